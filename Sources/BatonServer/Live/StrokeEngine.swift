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

    /// Continuations: `samples` of `steps` points each, (dx, dy, pen) in the data's units,
    /// and for every point the model that wrote it (the member whose mixture it was drawn
    /// from), so a client can draw the line in the colours of its writers.
    public struct Continuation: Sendable, Equatable {
        /// Each continuation's points, (dx, dy, pen).
        public var samples: [[[Float]]]
        /// For each point, the index of the model that wrote it.
        public var sources: [[Int]]
    }

    /// The request's values were checked when it was decoded (`LiveLimits`); what depends
    /// on the loaded models (how many weights) is checked here. Weights all 0 mean equal
    /// weights (the Studio says so before it asks).
    public func continueStrokes(_ request: StrokeRequest) throws(CommandError) -> Continuation {
        guard !models.isEmpty else { throw CommandError("no stroke model is loaded") }
        var weights = request.weights ?? [Float](repeating: 1, count: models.count)
        guard weights.count == models.count else { throw CommandError("strokes: \(models.count) weights needed, got \(weights.count)") }
        if weights.allSatisfy({ $0 == 0 }) { weights = [Float](repeating: 1, count: models.count) }
        var settings = EnsembleSettings(weights: weights)
        settings.piTemperature = request.piTemperature
        settings.sigmaTemperature = request.sigmaTemperature
        var result = Continuation(samples: [], sources: [])
        for k in 0..<request.samples {
            let ensemble = EventEnsemble(models: models, settings: settings, seed: request.seed &+ UInt64(k))
            for point in request.points { ensemble.feed(point) }
            let events = (0..<request.steps).map { _ in ensemble.step() }
            result.samples.append(events.map(\.values))
            result.sources.append(events.map(\.source))
        }
        return result
    }

    /// The models' display names.
    public var names: [String] { models.map(\.displayName) }
}
