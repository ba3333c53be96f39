import BatonCore
@testable import BatonTraining
import Foundation
import Testing

/// Dynamic evaluation: the gradient and the update against references, scoring strictly
/// before teaching, exact reset, and rate 0 agreeing with the static evaluation.
@Suite struct DynamicEvaluationTests {
    static let controlConfig = ModelConfig(kind: .control, inputSize: 2, layers: 1, units: 4,
                                           head: .mixtureDensity(dims: 2, mixtures: 2, sigma: .exp))

    static func events(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<(count * 2)).map { _ in Float(rng.nextGaussian()) }
    }

    /// The gradient an update uses is ∂(mean segment NLL)/∂θ: central differences of the
    /// evaluator's own score, for every parameter of a tiny mixture-density model.
    @Test func gradientMatchesFiniteDifferences() {
        let model = GradientCheckTests.model(Self.controlConfig, scale: 1)
        let segment = Self.events(6, seed: 1)
        let options = AdaptationOptions(rate: 1e-3, segment: 5, decay: 0)
        let evaluator = DynamicEvaluator(model: model, options: options)
        _ = evaluator.scoreThenAdapt(events: segment[...])
        let analytic = evaluator.lastGradient
        func meanLoss(_ p: [Float]) -> Double {
            let probe = DynamicEvaluator(model: Model(config: model.config, parameters: p), options: options)
            probe.isAdapting = false
            let score = probe.scoreThenAdapt(events: segment[...])
            return score.totalNats / Double(score.predictions)
        }
        let eps: Float = 1e-2
        var worst = 0.0
        for i in model.parameters.indices {
            var plus = model.parameters, minus = model.parameters
            plus[i] += eps
            minus[i] -= eps
            let numeric = (meanLoss(plus) - meanLoss(minus)) / Double(2 * eps)
            let a = Double(analytic[i])
            worst = max(worst, abs(a - numeric) / (2e-5 + 1e-2 * (abs(a) + abs(numeric))))
        }
        #expect(worst < 1)
    }

    /// Two updates against the rule written out by hand from the gradients the evaluator
    /// used: MS ← βMS + (1−β)g², θ ← θ − η g/(√(MS/(1−βⁿ)) + ε) + λ(θ₀ − θ).
    @Test func updateMatchesHandReference() {
        let model = GradientCheckTests.model(Self.controlConfig, scale: 1)
        let options = AdaptationOptions(rate: 0.01, segment: 4, decay: 0.05)
        let evaluator = DynamicEvaluator(model: model, options: options)
        let data = Self.events(9, seed: 2)
        var theta = model.parameters.map(Double.init)
        var ms = [Double](repeating: 0, count: theta.count)
        for (n, range) in [0..<10, 8..<18].enumerated() {
            _ = evaluator.scoreThenAdapt(events: data[range])
            let beta = Double(options.statisticsDecay), correction = 1 - Foundation.pow(beta, Double(n + 1))
            for i in theta.indices {
                let g = Double(evaluator.lastGradient[i])
                ms[i] = beta * ms[i] + (1 - beta) * g * g
                let step = Double(options.rate) * g / ((ms[i] / correction).squareRoot() + Double(options.epsilon))
                theta[i] += -step + Double(options.decay) * (Double(model.parameters[i]) - theta[i])
            }
        }
        #expect(evaluator.updates == 2)
        let worst = theta.indices.map { abs(theta[$0] - Double(evaluator.parameters[$0])) }.max() ?? 0
        #expect(worst < 1e-5)
        #expect(evaluator.relativeDistance > 0)
    }

    /// A text that repeats one odd segment: adapting on a segment lowers its own loss a lot,
    /// so a score taken after the update would be visibly lower. Each reported score must
    /// equal the one the weights from before that segment give, from the same carried state.
    @Test func scoresBeforeItTeaches() {
        var rng = SeededGenerator(seed: 5)
        let model = Model.initialised(.text(layers: 1, units: 8), using: &rng)
        let options = AdaptationOptions(rate: 0.05, segment: 6, decay: 0)
        let text = Array("qzxqzxqzxqzxq".utf8)
        let first = text[0..<7], second = text[6..<13]
        let evaluator = DynamicEvaluator(model: model, options: options)
        let reported1 = evaluator.scoreThenAdapt(symbols: first).totalNats
        let theta1 = evaluator.parameters
        let reported2 = evaluator.scoreThenAdapt(symbols: second).totalNats
        let theta2 = evaluator.parameters

        /// Segment 2's score under `weights`, from the state segment 1 left under θ₀.
        func secondScore(under weights: [Float]) -> Double {
            let probe = DynamicEvaluator(model: model, options: options)
            probe.isAdapting = false
            let static1 = probe.scoreThenAdapt(symbols: first).totalNats
            #expect(abs(static1 - reported1) < 1e-5, "segment 1 must be scored by the original weights")
            probe.parameters = weights
            return probe.scoreThenAdapt(symbols: second).totalNats
        }
        #expect(abs(secondScore(under: theta1) - reported2) < 1e-4)
        let leaked = secondScore(under: theta2)
        #expect(leaked < reported2 - 0.5, "the test must be able to see a leak: after-update \(leaked), reported \(reported2)")
        // The whole-file evaluation reports the same honest figures.
        let whole = Evaluation.adaptiveText(model: model, bytes: text, options: options)
        #expect(abs(whole.natsPerSymbol * 12 - (reported1 + reported2)) < 1e-3)
    }

    /// Reset puts back the exact original weights (bit for bit), and a rerun scores the same.
    @Test func resetRestoresTheOriginals() {
        let model = GradientCheckTests.model(Self.controlConfig, scale: 1)
        let evaluator = DynamicEvaluator(model: model, options: AdaptationOptions(rate: 0.01, segment: 4, decay: 0.01))
        let data = Self.events(12, seed: 3)
        let firstRun = evaluator.scoreThenAdapt(events: data[0..<10])
        _ = evaluator.scoreThenAdapt(events: data[8..<18])
        #expect(evaluator.parameters != model.parameters)
        evaluator.restoreOriginalWeights()
        evaluator.resetState()
        #expect(evaluator.parameters.map(\.bitPattern) == model.parameters.map(\.bitPattern))
        #expect(evaluator.updates == 0 && evaluator.relativeDistance == 0)
        #expect(evaluator.scoreThenAdapt(events: data[0..<10]) == firstRun)
    }

    /// At rate 0 adaptive evaluation is static evaluation (training network vs stepper).
    @Test func rateZeroIsTheStaticFigure() {
        var rng = SeededGenerator(seed: 8)
        let text = Model.initialised(.text(layers: 2, units: 8, embedding: 4), using: &rng)
        let bytes = Array("Dynamic evaluation, scored honestly.".utf8)
        let options = AdaptationOptions(rate: 0, segment: 7, decay: 0)
        let adaptive = Evaluation.adaptiveText(model: text, bytes: bytes, options: options)
        #expect(adaptive.symbols == bytes.count - 1)
        #expect(abs(adaptive.natsPerSymbol - Evaluation.text(model: text, bytes: bytes).natsPerSymbol) < 1e-4)

        var control = GradientCheckTests.model(Self.controlConfig, scale: 1)
        control.normalisation = Normalisation(offset: [0.5, -1], scale: [2, 0.25])
        let values = Self.events(15, seed: 4), offsets = [0, 9, 15]
        let static_ = Evaluation.sequences(model: control, values: values, offsets: offsets)
        let adapted = Evaluation.adaptiveSequences(model: control, values: values, offsets: offsets, options: AdaptationOptions(rate: 0, segment: 3, decay: 0))
        #expect(adapted.symbols == static_.symbols)
        #expect(abs(adapted.natsPerSymbol - static_.natsPerSymbol) < 1e-4)
    }

    /// Adapting to a repetitive stream lowers its NLL (the method works at all).
    @Test func adaptationLowersTheLossOnARepeatedPattern() {
        var rng = SeededGenerator(seed: 9)
        let model = Model.initialised(.text(layers: 1, units: 16), using: &rng)
        let bytes = Array(String(repeating: "abcab ", count: 40).utf8)
        let before = Evaluation.text(model: model, bytes: bytes).natsPerSymbol
        let after = Evaluation.adaptiveText(model: model, bytes: bytes, options: AdaptationOptions(rate: 0.01, segment: 10, decay: 0)).natsPerSymbol
        #expect(after < before - 0.5)
    }

    @Test func settingsOutsideTheirRangesAreRefused() {
        for bad in [AdaptationOptions(rate: -1, segment: 20, decay: 0), AdaptationOptions(rate: .nan, segment: 20, decay: 0),
                    AdaptationOptions(rate: 1e-3, segment: 0, decay: 0), AdaptationOptions(rate: 1e-3, segment: 20, decay: 2)] {
            #expect(throws: InvalidSetting.self) { try bad.validate() }
        }
        #expect(throws: Never.self) { try AdaptationOptions.text.validate() }
    }
}
