import BatonCore
import BatonEnsemble
import Foundation

/// Continues a performer's pen strokes with the loaded stroke models (Ha 2017: write, pause,
/// and watch the model carry on). Several samples give several possible futures ("ghosts");
/// several models are mixed as a mixture of mixtures with the given weights.
public final class StrokeEngine: Sendable {
    /// The stroke models, in the order weights refer to them.
    public let models: [Model]

    /// An engine for these stroke models (all of kind strokes).
    public init(models: [Model]) {
        precondition(models.allSatisfy { $0.config.kind == .strokes }, "StrokeEngine needs stroke models")
        self.models = models
    }

    /// `samples` continuations of `steps` points each, (dx, dy, pen) in the data's units.
    /// The request's values were checked when it was decoded (`LiveLimits`); what depends
    /// on the loaded models (how many weights) is checked here.
    public func continueStrokes(_ request: StrokeRequest) throws(CommandError) -> [[[Float]]] {
        guard !models.isEmpty else { throw CommandError("no stroke model is loaded") }
        var weights = request.weights ?? [Float](repeating: 1, count: models.count)
        guard weights.count == models.count else { throw CommandError("strokes: \(models.count) weights needed, got \(weights.count)") }
        if weights.allSatisfy({ $0 == 0 }) { weights = [Float](repeating: 1, count: models.count) }
        var settings = EnsembleSettings(weights: weights)
        settings.piTemperature = request.piTemperature
        settings.sigmaTemperature = request.sigmaTemperature
        var results: [[[Float]]] = []
        for k in 0..<request.samples {
            let ensemble = EventEnsemble(models: models, settings: settings, seed: request.seed &+ UInt64(k))
            for point in request.points { ensemble.feed(point) }
            results.append((0..<request.steps).map { _ in ensemble.step().values })
        }
        return results
    }

    /// The models' display names.
    public var names: [String] { models.map(\.displayName) }
}
