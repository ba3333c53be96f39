@testable import BatonCore
import Testing

/// Random model with weights large enough that every non-linearity is exercised.
func randomModel(_ config: ModelConfig, seed: UInt64, scale: Double = 0.5) -> Model {
    var rng = SeededGenerator(seed: seed)
    var model = Model(zeroed: config)
    for i in model.parameters.indices { model.parameters[i] = Float(rng.nextGaussian() * scale) }
    return model
}

@Suite struct StepperTests {
    static let configs: [ModelConfig] = [
        .text(layers: 1, units: 8),
        .text(layers: 2, units: 5),
        .text(layers: 2, units: 20, embedding: 6),
        ModelConfig(kind: .control, inputSize: 4, layers: 2, units: 12, head: .mixtureDensity(dims: 4, mixtures: 3, sigma: .elu)),
        ModelConfig(kind: .strokes, inputSize: 3, layers: 1, units: 17, head: .strokes(mixtures: 2)),
    ]

    @Test(arguments: configs)
    func fastStepperEqualsNaiveReference(config: ModelConfig) {
        var model = randomModel(config, seed: 11)
        if config.kind != .text {
            model.normalisation = Normalisation(offset: (0..<config.inputSize).map { Float($0) * 0.1 },
                                                scale: (0..<config.inputSize).map { 0.5 + Float($0) })
        }
        let fast = Stepper(model: model), reference = ReferenceStepper(model: model)
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<12 {
            let out: [Float], expected: [Float]
            if config.kind == .text {
                let symbol = Int(rng.next() % 256)
                out = Array(fast.step(symbol: symbol))
                expected = reference.step(symbol: symbol)
            } else {
                let x = (0..<config.inputSize).map { _ in Float(rng.nextGaussian()) }
                out = Array(fast.step(input: x))
                expected = reference.step(input: x)
            }
            for i in out.indices {
                #expect(abs(out[i] - expected[i]) <= 1e-5 * max(1, abs(expected[i])), "output \(i): \(out[i]) vs \(expected[i])")
            }
        }
        for l in 0..<config.layers {
            for (a, b) in zip(fast.hidden(layer: l), reference.hidden[l]) { #expect(abs(Double(a) - b) < 1e-5) }
        }
    }

    @Test func float16StepperStaysCloseToFloat32() {
        let model = randomModel(.text(layers: 2, units: 64), seed: 2, scale: 0.15)
        let a = Stepper(model: model, precision: .float32), b = Stepper(model: model, precision: .float16)
        var worst: Float = 0
        for symbol in Array("The quick brown fox".utf8) {
            let x = Array(a.step(symbol: Int(symbol))), y = Array(b.step(symbol: Int(symbol)))
            for i in x.indices { worst = max(worst, abs(x[i] - y[i])) }
        }
        #expect(worst < 2e-2, "worst logit difference \(worst)")
    }

    @Test func int8StepperStaysCloseToFloat32() {
        let model = randomModel(.text(layers: 2, units: 64), seed: 2, scale: 0.15)
        let a = Stepper(model: model, precision: .float32), b = Stepper(model: model, precision: .int8)
        var worst: Float = 0, largest: Float = 0
        for symbol in Array("The quick brown fox".utf8) {
            let x = Array(a.step(symbol: Int(symbol))), y = Array(b.step(symbol: Int(symbol)))
            for i in x.indices { worst = max(worst, abs(x[i] - y[i])); largest = max(largest, abs(x[i])) }
        }
        #expect(worst < 0.02 * max(1, largest), "worst logit difference \(worst) (largest logit \(largest))")
    }

    @Test func savedStateRestoresExactly() {
        let model = randomModel(.text(layers: 2, units: 10), seed: 3)
        let stepper = Stepper(model: model)
        for s in Array("abc".utf8) { stepper.step(symbol: Int(s)) }
        var snapshot = StepperState()
        stepper.save(into: &snapshot)
        let next = Array(stepper.step(symbol: 100))
        for s in Array("xyz".utf8) { stepper.step(symbol: Int(s)) }
        stepper.restore(snapshot)
        #expect(Array(stepper.step(symbol: 100)) == next)
        stepper.reset()
        let fresh = Stepper(model: model)
        #expect(Array(stepper.step(symbol: 7)) == Array(fresh.step(symbol: 7)))
    }
}
