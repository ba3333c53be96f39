import BatonCore
@testable import BatonEnsemble
import BatonTraining
import Foundation
import Testing

func controlModel(seed: UInt64, scale: Float = 1) -> Model {
    var rng = SeededGenerator(seed: seed)
    var model = Model.initialised(ModelConfig(kind: .control, inputSize: 3, layers: 1, units: 8,
                                              head: .mixtureDensity(dims: 3, mixtures: 4, sigma: .elu)), using: &rng)
    model.normalisation = Normalisation(offset: [0.1, 0.5, 0.5], scale: [0.2 * scale, 0.3, 0.3])
    return model
}

@Suite struct EventEnsembleTests {
    /// The pooled density equals Σᵢ Σₖ πᵢ πᵢₖ N(x; μᵢₖ, σᵢₖ) written out by hand.
    @Test func mixtureOfMixturesEqualsTheExplicitFormula() {
        let models = [controlModel(seed: 1), controlModel(seed: 2, scale: 2)]
        let ensemble = EventEnsemble(models: models, settings: EnsembleSettings(weights: [0.3, 0.7]), seed: 5)
        ensemble.feed([0.05, 0.4, 0.6])
        _ = ensemble.step()
        let x: [Float] = [0.12, 0.45, 0.52]
        var total = 0.0
        for (i, model) in models.enumerated() {
            let out = Array(ensemble.members[i].stepper.output)
            let n = model.normalisation!
            let logits = out[24..<28].map(Double.init)
            let maximum = logits.max()!
            let pis = logits.map { Foundation.exp($0 - maximum) }
            let piTotal = pis.reduce(0, +)
            for k in 0..<4 {
                var density = pis[k] / piTotal
                for j in 0..<3 {
                    let z = Double((x[j] - n.offset[j]) / n.scale[j])
                    let mu = Double(out[k * 3 + j]), sigma = SigmaTransform.elu.sigma(Double(out[12 + k * 3 + j]))
                    // Density in data units: divide by the scale (the Jacobian).
                    density *= Foundation.exp(-0.5 * ((z - mu) / sigma) * ((z - mu) / sigma)) / (sigma * (2 * Double.pi).squareRoot()) / Double(n.scale[j])
                }
                total += [0.3, 0.7][i] * density
            }
        }
        #expect(abs(ensemble.pooledLogDensity(of: x) - Foundation.log(total)) < 1e-6)
    }

    /// Far out in every member's tails the pooled density is 0: log −∞, not NaN, and the
    /// shares fall back to the weights.
    @Test func pooledDensityFarOutIsZeroNotNaN() {
        let models = [controlModel(seed: 1), controlModel(seed: 2)]
        let ensemble = EventEnsemble(models: models, settings: EnsembleSettings(weights: [0.3, 0.7]), seed: 5)
        _ = ensemble.step()
        let far: [Float] = [3e38, -3e38, 3e38]  // beyond Float range once normalised
        #expect(ensemble.pooledLogDensity(of: far) == -.infinity)
        let shares = ensemble.attribution(of: far, active: [0, 1], weights: [0.3, 0.7], piTemperature: 1)
        #expect(shares == [0.3, 0.7])
    }

    @Test func identicalMembersAreChosenInProportionToTheirWeights() {
        let model = controlModel(seed: 3)
        let ensemble = EventEnsemble(models: [model, model], settings: EnsembleSettings(weights: [0.25, 0.75]), seed: 11)
        var fromSecond = 0
        for _ in 0..<2000 { if ensemble.step().source == 1 { fromSecond += 1 } }
        #expect(abs(Double(fromSecond) / 2000 - 0.75) < 0.04)
    }

    @Test func reenteringMemberCatchesUpAndRunsReplay() {
        let models = [controlModel(seed: 4), controlModel(seed: 5)]
        func run() -> [EnsembleEvent] {
            let ensemble = EventEnsemble(models: models, seed: 2)
            var out: [EnsembleEvent] = []
            for t in 0..<40 {
                if t == 5 { ensemble.controls.update { $0.weights = [1, 0] } }
                if t == 20 { ensemble.controls.update { $0.weights = [1, 1]; $0.sigmaTemperature = 0.5 } }
                out.append(ensemble.step())
            }
            return out
        }
        let events = run()
        #expect(events == run())
        #expect(events.allSatisfy { $0.values[0] >= 0.000454 && abs($0.shares.reduce(0, +) - 1) < 1e-5 })
    }
}
