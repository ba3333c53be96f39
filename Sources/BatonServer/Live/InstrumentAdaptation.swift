import BatonCore
import BatonTraining
import Dispatch
import Foundation

/// Live adaptation of the instrument's model to the performer (dynamic evaluation,
/// `DynamicEvaluator`), off the hot path.
///
/// The engine hands over performer events only (never the model's own predictions). Every
/// T + 1 of them make a segment, which a background queue scores (adapted weights, and the
/// original model beside them for the surprise meter) and then learns from; the new
/// weights are repacked into a fresh `Stepper` there, and the engine swaps it in between
/// two steps under its own lock (`takeStepper`), keeping the recurrent state.
final class InstrumentAdaptation: @unchecked Sendable {
    struct Snapshot: Sendable, Encodable {
        var enabled: Bool
        var rate: Float
        var segment: Int
        /// Performer events taught, and updates taken, since the last reset.
        var events: Int
        var updates: Int
        /// ‖θ − θ₀‖ / ‖θ₀‖.
        var relativeDistance: Double
        /// Mean −log density per event (data units) over recent segments: the adapting model
        /// (scored before it learnt from them) and the original model on the same events.
        var surprise: Double?
        var unadaptedSurprise: Double?
        /// The file name of the last saved adapted model.
        var saved: String?
        /// Segments skipped because the background was still busy with earlier ones.
        var skippedSegments = 0
    }

    let base: Model
    let file: String?
    private let queue = DispatchQueue(label: "baton.instrument.adaptation", qos: .utility)
    private let evaluator: DynamicEvaluator
    private let original: Stepper
    private let sampler: EventSampler
    private let normalisation: Normalisation
    private struct Shared {
        var snapshot: Snapshot
        /// Data-unit events of the segment being collected (T + 1 at most; the last one starts the next).
        var collected: [Float] = []
        var ready: Stepper?
        /// Segments queued and not yet learnt.
        var queued = 0
    }
    private let shared: Locked<Shared>
    /// Segments waiting at most: a performer faster than the background can learn (a large
    /// model, a loaded machine) skips segments instead of growing a queue without bound.
    static let maximumQueued = 2
    /// Weight of the newest segment in the surprise averages.
    static let surpriseSmoothing = 0.2

    init(model: Model, file: String?, options: AdaptationOptions = .events) {
        base = model
        self.file = file
        evaluator = DynamicEvaluator(model: model, options: options)
        original = Stepper(model: model)
        sampler = EventSampler(model: model)
        normalisation = model.normalisation ?? .identity(dims: model.config.inputSize)
        shared = Locked(Shared(snapshot: Snapshot(enabled: false, rate: options.rate, segment: options.segment, events: 0, updates: 0,
                                                  relativeDistance: 0)))
    }

    var snapshot: Snapshot { shared.withLock { $0.snapshot } }

    func setEnabled(_ on: Bool) { shared.withLock { $0.snapshot.enabled = on; if !on { $0.collected = [] } } }

    func setRate(_ rate: Float) { shared.withLock { $0.snapshot.rate = rate } }

    /// A performer event (data units, dt first). Cheap: an append, and every T events a job queued.
    func teach(_ event: [Float]) {
        let segment: [Float]? = shared.withLock { s in
            guard s.snapshot.enabled else { return nil }
            s.collected += event
            s.snapshot.events += 1
            guard s.collected.count == (s.snapshot.segment + 1) * event.count else { return nil }
            let full = s.collected
            s.collected = Array(full.suffix(event.count))
            guard s.queued < Self.maximumQueued else { s.snapshot.skippedSegments += 1; return nil }
            s.queued += 1
            return full
        }
        guard let segment else { return }
        let rate = shared.withLock { $0.snapshot.rate }
        queue.async { [self] in learn(segment, rate: rate) }
    }

    /// The stepper holding the newest adapted weights, once per update.
    func takeStepper() -> Stepper? { shared.withLock { s in defer { s.ready = nil }; return s.ready } }

    /// Back to the original weights (exactly), statistics cleared.
    func reset() {
        shared.withLock { $0.collected = []; $0.snapshot.events = 0 }
        queue.async { [self] in
            evaluator.restoreOriginalWeights()
            evaluator.resetState()
            original.reset()
            let fresh = Stepper(model: base)
            shared.withLock { s in
                s.ready = fresh
                s.snapshot.updates = 0
                s.snapshot.relativeDistance = 0
                s.snapshot.surprise = nil
                s.snapshot.unadaptedSurprise = nil
            }
        }
    }

    /// Waits for queued segments (tests, and before saving).
    func settle() { queue.sync {} }

    /// Scores then learns from one segment, on the background queue.
    private func learn(_ segment: [Float], rate: Float) {
        let d = base.config.inputSize, n = segment.count / d - 1
        var unadapted = 0.0
        segment.withUnsafeBufferPointer { v in
            for e in 0..<n {
                let out = original.step(input: UnsafeBufferPointer(rebasing: v[(e * d)..<((e + 1) * d)]))
                unadapted -= sampler.logDensity(of: v.baseAddress! + (e + 1) * d, output: out.baseAddress!)
            }
        }
        let scaled = segment.indices.map { (segment[$0] - normalisation.offset[$0 % d]) / normalisation.scale[$0 % d] }
        evaluator.rate = rate
        let score = evaluator.scoreThenAdapt(events: scaled[...])
        let adapted = score.totalNats / Double(n) + sampler.logJacobian
        let fresh = Stepper(model: evaluator.adaptedModel(from: base))
        let distance = evaluator.relativeDistance, updates = evaluator.updates
        shared.withLock { s in
            // An extreme event can score an infinite surprise: it would stay in the average for good.
            let a = Self.surpriseSmoothing, perEvent = unadapted / Double(n)
            if adapted.isFinite { s.snapshot.surprise = s.snapshot.surprise.map { (1 - a) * $0 + a * adapted } ?? adapted }
            if perEvent.isFinite { s.snapshot.unadaptedSurprise = s.snapshot.unadaptedSurprise.map { (1 - a) * $0 + a * perEvent } ?? perEvent }
            s.snapshot.updates = updates
            s.snapshot.relativeDistance = distance
            s.ready = fresh
            s.queued -= 1
        }
    }

    /// Writes the adapted model into `folder` as a new file; its metadata records where it
    /// came from and how far it adapted. Returns the file's path.
    func save(into folder: String) throws(CommandError) -> String {
        let result: Result<String, CommandError> = queue.sync {
            var model = evaluator.adaptedModel(from: base)
            let snapshot = shared.withLock { $0.snapshot }
            let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            let stem = ((file ?? base.displayName) as NSString).lastPathComponent.replacingOccurrences(of: ".safetensors", with: "")
            let name = "\(stem)-adapted-\(stamp).safetensors"
            let path = (folder as NSString).appendingPathComponent(name)
            model.metadata[MetadataKey.name] = "\(base.displayName) (adapted)"
            model.metadata["adapted_from"] = (file as NSString?)?.lastPathComponent ?? base.displayName
            model.metadata["adaptation"] = String(format: "{\"events\": %d, \"updates\": %d, \"relative_distance\": %.6f, \"rate\": %g, \"segment\": %d, \"decay\": %g}",
                                                  snapshot.events, snapshot.updates, snapshot.relativeDistance, evaluator.rate,
                                                  evaluator.options.segment, evaluator.options.decay)
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try model.save(to: path)
            } catch {
                return .failure(CommandError("cannot save the adapted model to \(path): \(error)"))
            }
            shared.withLock { $0.snapshot.saved = name }
            return .success(path)
        }
        return try result.get()
    }
}
