import BatonCore
import BatonEnsemble

/// One model or a weighted ensemble of models generating control events or strokes.
protocol EventSource {
    func reset()
    func feed(_ event: [Float])
    func next() -> [Float]
}

extension EventGenerator: EventSource {}

extension EventEnsemble: EventSource {
    func next() -> [Float] { step().values }
}

enum EventSources {
    /// A generator for one model, a mixture of mixtures for several (same kind and dims).
    static func make(_ models: [ModelList.Entry], weights: String?, temperatures: (pi: Float, sigma: Float), precision: WeightPrecision,
                     seed: UInt64) throws -> EventSource {
        let first = models[0].model
        for entry in models where entry.model.config.kind != first.config.kind || entry.model.config.inputSize != first.config.inputSize {
            throw CommandLineError(message: "\(entry.path) is a \(entry.model.config.inputSize)-d \(entry.model.config.kind.rawValue) model, \(models[0].path) a \(first.config.inputSize)-d \(first.config.kind.rawValue) model",
                               hint: "mix models of the same kind and dimension")
        }
        if models.count == 1 {
            return EventGenerator(model: first, precision: precision, piTemperature: temperatures.pi, sigmaTemperature: temperatures.sigma, seed: seed)
        }
        var settings = EnsembleSettings(weights: try ModelList.weights(weights, count: models.count))
        settings.piTemperature = temperatures.pi
        settings.sigmaTemperature = temperatures.sigma
        return EventEnsemble(models: models.map(\.model), settings: settings, precision: precision, seed: seed)
    }
}
