import BatonCore
import BatonTraining
import Foundation

extension LiveAdaptation {
    /// What clients see of one adapting model (the `adaptation` object of the instrument's
    /// status and of each text model's).
    struct Snapshot: Sendable, Encodable {
        /// What the model learns from: text symbols (bytes) or performer events.
        enum Unit: String, Sendable { case symbols, events }
        let unit: Unit
        var enabled: Bool
        var rate: Float
        var segment: Int
        /// Symbols or events taught since the last reset (sent as `symbols` or `events`).
        var taught = 0
        /// Updates taken since the last reset.
        var updates = 0
        /// ‖θ − θ₀‖ / ‖θ₀‖.
        var relativeDistance = 0.0
        /// Mean −log p per symbol (nats) or per event (density in data units) over recent
        /// segments: the adapting model (scored before it learnt from them) and the
        /// original model on the same material.
        var surprise: Double?
        var unadaptedSurprise: Double?
        /// The file name of the last saved adapted model.
        var saved: String?
        /// Why the last save failed (one line), until a save succeeds.
        var saveError: String?
        /// Segments skipped because the background was still busy with earlier ones.
        var skippedSegments = 0

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(enabled, forKey: Key("enabled"))
            try c.encode(rate, forKey: Key("rate"))
            try c.encode(segment, forKey: Key("segment"))
            try c.encode(taught, forKey: Key(unit.rawValue))
            try c.encode(updates, forKey: Key("updates"))
            try c.encode(relativeDistance, forKey: Key("relativeDistance"))
            try c.encodeIfPresent(surprise, forKey: Key("surprise"))
            try c.encodeIfPresent(unadaptedSurprise, forKey: Key("unadaptedSurprise"))
            try c.encodeIfPresent(saved, forKey: Key("saved"))
            try c.encodeIfPresent(saveError, forKey: Key("saveError"))
            try c.encode(skippedSegments, forKey: Key("skippedSegments"))
        }
    }
}

/// Scores one segment for the surprise meter, in the units `baton eval` reports (nats per
/// symbol; −log density per event in data units): under the original weights, with a
/// stepper carried from segment to segment, and under the adapting ones (the evaluator,
/// which then learns from the segment). A segment is T + 1 items, read 0..<T, predicting 1...T.
final class SegmentScorer {
    private enum Material {
        case text(logProbabilities: FloatBuffer)
        case events(EventSampler, Normalisation, dims: Int)
    }
    private let material: Material

    init(model: Model) {
        if model.config.kind == .text {
            material = .text(logProbabilities: FloatBuffer(count: ModelConfig.byteVocabulary))
        } else {
            material = .events(EventSampler(model: model), model.normalisation ?? .identity(dims: model.config.inputSize), dims: model.config.inputSize)
        }
    }

    /// Σ −log p of the segment's predictions under `stepper` (the original weights).
    func nats(of segment: [Float], stepper: Stepper) -> Double {
        var total = 0.0
        switch material {
        case .text(let logProbabilities):
            for i in 0..<(segment.count - 1) {
                Softmax.logSoftmax(stepper.step(symbol: Int(segment[i])), into: logProbabilities.pointer)
                total -= Double(logProbabilities.pointer[Int(segment[i + 1])])
            }
        case .events(let sampler, _, let d):
            segment.withUnsafeBufferPointer { v in
                for e in 0..<(segment.count / d - 1) {
                    let out = stepper.step(input: UnsafeBufferPointer(rebasing: v[(e * d)..<((e + 1) * d)]))
                    total -= sampler.logDensity(of: v.baseAddress! + (e + 1) * d, output: out.baseAddress!)
                }
            }
        }
        return total
    }

    /// Σ −log p of the segment's predictions under the evaluator's weights, which then learn from it.
    func adaptedNats(of segment: [Float], evaluator: DynamicEvaluator) -> Double {
        switch material {
        case .text:
            return evaluator.scoreThenAdapt(symbols: segment.map { UInt8($0) }[...]).totalNats
        case .events(let sampler, let normalisation, let d):
            let scaled = segment.indices.map { (segment[$0] - normalisation.offset[$0 % d]) / normalisation.scale[$0 % d] }
            let score = evaluator.scoreThenAdapt(events: scaled[...])
            return score.totalNats + Double(score.predictions) * sampler.logJacobian
        }
    }
}
