import BatonCore
@testable import BatonTraining
import Testing

/// Finite-difference checks of the parameter gradients: the analytic gradient from
/// `TrainingNetwork.backward` against central differences of the forward loss, on a
/// sample of entries of every tensor (all of them for small tensors).
@Suite struct GradientCheckTests {
    static func loss(_ network: TrainingNetwork, _ batch: TrainingBatch, _ p: [Float]) -> Double {
        network.resetState()
        var rng = SeededGenerator(seed: 9)
        return p.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: false, rng: &rng) } / batch.countedPositions
    }

    static func analytic(_ network: TrainingNetwork, _ batch: TrainingBatch, _ p: [Float]) -> [Float] {
        _ = loss(network, batch, p)
        var g = [Float](repeating: 0, count: p.count)
        p.withUnsafeBufferPointer { pp in
            g.withUnsafeMutableBufferPointer { gg in
                network.backward(parameters: pp.baseAddress!, gradients: gg.baseAddress!, scale: Float(1 / batch.countedPositions))
            }
        }
        return g
    }

    /// Worst mismatch and where it is, as |a − n| / (2e-5 + 1e-2·(|a| + |n|)): pass below 1.
    /// The absolute part is the finite-difference noise floor of a Float32 forward pass
    /// (loss terms carry ~1e-7 relative rounding; divided by 2·eps = 0.02 that is ~1e-5).
    static func check(_ model: Model, batch: TrainingBatch, samplesPerTensor: Int = 24, eps: Float = 1e-2) -> (Double, String) {
        let network = TrainingNetwork(config: model.config, steps: batch.steps, rows: batch.rows)
        let p = model.parameters
        let g = analytic(network, batch, p)
        var rng = SeededGenerator(seed: 77)
        var worst = 0.0, worstName = "none"
        for slot in model.layout.slots {
            let indices = slot.count <= samplesPerTensor ? Array(slot.range) : (0..<samplesPerTensor).map { _ in slot.offset + Int(rng.next() % UInt64(slot.count)) }
            for i in indices {
                var plus = p, minus = p
                plus[i] += eps
                minus[i] -= eps
                let numeric = (loss(network, batch, plus) - loss(network, batch, minus)) / Double(2 * eps)
                let a = Double(g[i])
                let error = abs(a - numeric) / (2e-5 + 1e-2 * (abs(a) + abs(numeric)))
                if error > worst { worst = error; worstName = "\(slot.name)[\(i - slot.offset)]: analytic \(a), numeric \(numeric)" }
            }
        }
        return (worst, worstName)
    }

    static func model(_ config: ModelConfig, seed: UInt64 = 3, scale: Float = 2) -> Model {
        var rng = SeededGenerator(seed: seed)
        var model = Model.initialised(config, using: &rng)
        for i in model.parameters.indices { model.parameters[i] *= scale }
        return model
    }

    static func textBatch(steps: Int, rows: Int, seed: UInt64) -> TrainingBatch {
        var rng = SeededGenerator(seed: seed)
        var batch = TrainingBatch(steps: steps, rows: rows)
        // A small alphabet so one-hot columns are hit more than once.
        batch.inputSymbols = (0..<(steps * rows)).map { _ in Int32(97 + rng.next() % 6) }
        batch.targetSymbols = (0..<(steps * rows)).map { _ in Int32(97 + rng.next() % 6) }
        return batch
    }

    static func vectorBatch(steps: Int, rows: Int, dims: Int, seed: UInt64, pen: Bool = false) -> TrainingBatch {
        var rng = SeededGenerator(seed: seed)
        var batch = TrainingBatch(steps: steps, rows: rows)
        func value(_ j: Int) -> Float { pen && j == 2 ? Float(rng.next() % 2) : Float(rng.nextGaussian()) }
        batch.inputVectors = (0..<(steps * rows * dims)).map { value($0 % dims) }
        batch.targetVectors = (0..<(steps * rows * dims)).map { value($0 % dims) }
        batch.weights = (0..<(steps * rows)).map { $0 % 5 == 4 ? 0 : 1 }
        return batch
    }

    @Test func oneHotText() {
        let (worst, at) = Self.check(Self.model(.text(layers: 2, units: 5)), batch: Self.textBatch(steps: 4, rows: 3, seed: 1))
        #expect(worst < 1, "\(at)")
    }

    @Test func embeddedText() {
        let (worst, at) = Self.check(Self.model(.text(layers: 1, units: 8, embedding: 3)), batch: Self.textBatch(steps: 3, rows: 2, seed: 2))
        #expect(worst < 1, "\(at)")
    }

    @Test(arguments: SigmaTransform.allCases)
    func mixtureDensity(sigma: SigmaTransform) {
        let config = ModelConfig(kind: .control, inputSize: 3, layers: 2, units: 6, head: .mixtureDensity(dims: 3, mixtures: 2, sigma: sigma))
        let (worst, at) = Self.check(Self.model(config, scale: 1), batch: Self.vectorBatch(steps: 4, rows: 2, dims: 3, seed: 3))
        #expect(worst < 1, "\(at)")
    }

    @Test func strokes() {
        let config = ModelConfig(kind: .strokes, inputSize: 3, layers: 1, units: 7, head: .strokes(mixtures: 3))
        let (worst, at) = Self.check(Self.model(config, scale: 1), batch: Self.vectorBatch(steps: 4, rows: 2, dims: 3, seed: 4, pen: true))
        #expect(worst < 1, "\(at)")
    }

    @Test func dropoutMasksScaleTheGradient() {
        // With dropout the analytic gradient must match finite differences under the same masks.
        let config = ModelConfig.text(layers: 2, units: 6)
        let model = Self.model(config, scale: 1)
        let batch = Self.textBatch(steps: 3, rows: 2, seed: 5)
        let network = TrainingNetwork(config: config, steps: 3, rows: 2, dropout: 0.3)
        func loss(_ p: [Float]) -> Double {
            network.resetState()
            var rng = SeededGenerator(seed: 21)
            return p.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: true, rng: &rng) } / batch.countedPositions
        }
        let p = model.parameters
        _ = loss(p)
        var g = [Float](repeating: 0, count: p.count)
        p.withUnsafeBufferPointer { pp in g.withUnsafeMutableBufferPointer { network.backward(parameters: pp.baseAddress!, gradients: $0.baseAddress!, scale: Float(1 / batch.countedPositions)) } }
        let slot = model.layout.weightIH(1)
        for i in slot.range.prefix(30) {
            var plus = p, minus = p
            plus[i] += 1e-2; minus[i] -= 1e-2
            let numeric = (loss(plus) - loss(minus)) / 2e-2
            #expect(abs(Double(g[i]) - numeric) < 2e-5 + 1e-2 * (abs(Double(g[i])) + abs(numeric)))
        }
    }
}
