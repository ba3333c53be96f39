import BatonCore
import BatonEnsemble
import Foundation

/// Continues a performer's pen strokes with the loaded stroke models (Ha 2017: write, pause,
/// and watch the model carry on). Several samples give several possible futures ("ghosts");
/// several models are mixed as a mixture of mixtures with the given weights.
public final class StrokeEngine: Sendable {
    public let models: [Model]

    public init(models: [Model]) {
        precondition(models.allSatisfy { $0.config.kind == .strokes }, "StrokeEngine needs stroke models")
        self.models = models
    }

    public struct Request: Sendable {
        public var points: [[Float]]
        public var steps: Int
        public var samples: Int
        public var weights: [Float]?
        public var piTemperature: Float
        public var sigmaTemperature: Float
        public var seed: UInt64

        public init(points: [[Float]], steps: Int = 100, samples: Int = 1, weights: [Float]? = nil,
                    piTemperature: Float = 0.7, sigmaTemperature: Float = 0.7, seed: UInt64 = UInt64.random(in: 0...UInt64.max)) {
            self.points = points
            self.steps = steps
            self.samples = samples
            self.weights = weights
            self.piTemperature = piTemperature
            self.sigmaTemperature = sigmaTemperature
            self.seed = seed
        }
    }

    public static let maximumSteps = 2000, maximumSamples = 16, maximumPoints = 20_000

    /// `samples` continuations of `steps` points each, (dx, dy, pen) in the data's units.
    public func continueStrokes(_ request: Request) throws(CommandError) -> [[[Float]]] {
        guard !models.isEmpty else { throw CommandError("no stroke model is loaded") }
        guard request.steps >= 1, request.steps <= Self.maximumSteps, request.samples >= 1, request.samples <= Self.maximumSamples,
              request.points.count <= Self.maximumPoints else {
            throw CommandError("strokes: steps 1–\(Self.maximumSteps), samples 1–\(Self.maximumSamples), at most \(Self.maximumPoints) points")
        }
        guard request.points.allSatisfy({ $0.count == 3 && $0.allSatisfy(\.isFinite) }) else { throw CommandError("strokes: every point is [dx, dy, pen]") }
        guard Temperature.isValid(request.piTemperature), Temperature.isValid(request.sigmaTemperature) else {
            throw CommandError("strokes: temperatures must be finite numbers > 0")
        }
        var weights = request.weights ?? [Float](repeating: 1, count: models.count)
        guard weights.count == models.count, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw CommandError("strokes: \(models.count) weights needed")
        }
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

    public var names: [String] { models.map(\.displayName) }
}
