import BatonCore
import BatonTraining
import Dispatch
import Foundation

/// Live adaptation of one model to the performer (dynamic evaluation, `DynamicEvaluator`),
/// off the hot path: the instrument's control model learns from performer events, each text
/// model of the ensemble from the text the performer feeds it.
///
/// The engine hands over the performer's material only (never the model's own output).
/// Every T + 1 symbols or events make a segment (consecutive segments overlap by one),
/// which a background queue scores (adapted weights, and the original model beside them for
/// the surprise meter) and then learns from. Once no segment is waiting, the new weights
/// are packed into a fresh `Stepper` there, and the engine swaps it in between two steps
/// (`takeStepper`), keeping the recurrent state. The background thread runs below the
/// engines' priority (`BackgroundQueue`).
///
/// Segments wait in a bounded mailbox (`maximumPending`): material faster than the
/// background can learn (a large model, a loaded machine) skips segments instead of growing
/// a queue without bound. The queue runs one segment per job, so a reset or a save waits
/// for one segment at most.
final class LiveAdaptation: @unchecked Sendable {
    let base: Model
    let file: String?
    let unit: Snapshot.Unit
    private let queue: BackgroundQueue
    private let evaluator: DynamicEvaluator
    private let original: Stepper
    private let precision: WeightPrecision
    private let scorer: SegmentScorer
    /// Values per symbol or event in `collected` (a text byte is one Float, exactly).
    private let width: Int
    private let maximumPending: Int
    private let changed: ChangeSignal?
    private struct Shared {
        var snapshot: Snapshot
        /// The segment being collected (T + 1 items at most; the last one starts the next).
        var collected: [Float] = []
        /// Full segments waiting for the background, oldest first.
        var pending: [[Float]] = []
        /// Whether a job is queued or running.
        var scheduled = false
        var ready: Stepper?
    }
    private let shared: Locked<Shared>
    /// Segments waiting at most for the instrument: performer events arrive one by one, so
    /// two are enough to ride out a slow update.
    static let instrumentPending = 2
    /// Weight of the newest segment in the surprise averages.
    static let surpriseSmoothing = 0.2

    /// `queue` may be shared by several models (the text ensemble's, so their updates run
    /// one at a time); the stepper it hands over packs the weights at `precision`.
    init(model: Model, file: String?, options: AdaptationOptions? = nil, precision: WeightPrecision = .float32,
         maximumPending: Int = LiveAdaptation.instrumentPending,
         queue: BackgroundQueue = BackgroundQueue(name: "baton.adaptation"), changed: ChangeSignal? = nil) {
        let options = options ?? .defaults(for: model.config.kind)
        base = model
        self.file = file
        self.queue = queue
        self.precision = precision
        self.maximumPending = max(1, maximumPending)
        self.changed = changed
        evaluator = DynamicEvaluator(model: model, options: options)
        original = Stepper(model: model)
        scorer = SegmentScorer(model: model)
        unit = model.config.kind == .text ? .symbols : .events
        width = model.config.kind == .text ? 1 : model.config.inputSize
        shared = Locked(Shared(snapshot: Snapshot(unit: unit, enabled: false, rate: options.rate, segment: options.segment)))
    }

    var snapshot: Snapshot { shared.withLock { $0.snapshot } }

    func setEnabled(_ on: Bool) { shared.withLock { $0.snapshot.enabled = on; if !on { $0.collected = [] } } }

    func setRate(_ rate: Float) { shared.withLock { $0.snapshot.rate = rate } }

    /// A performer event (data units, dt first). Cheap: an append, and a job queued when a segment is full.
    func teach(_ event: [Float]) {
        precondition(unit == .events && event.count == width, "LiveAdaptation.teach: one \(width)-d event")
        collect(event, items: 1)
    }

    /// Text the performer fed (UTF-8 bytes).
    func teach(text bytes: [UInt8]) {
        precondition(unit == .symbols, "LiveAdaptation.teach(text:) needs a text model")
        collect(bytes.map(Float.init), items: bytes.count)
    }

    private func collect(_ values: [Float], items: Int) {
        let start: Bool = shared.withLock { s in
            guard s.snapshot.enabled, !values.isEmpty else { return false }
            s.snapshot.taught += items
            let full = (s.snapshot.segment + 1) * width
            var offset = 0
            while offset < values.count {
                let take = min(values.count - offset, full - s.collected.count)
                s.collected += values[offset..<(offset + take)]
                offset += take
                guard s.collected.count == full else { continue }
                if s.pending.count < maximumPending { s.pending.append(s.collected) } else { s.snapshot.skippedSegments += 1 }
                s.collected = Array(s.collected.suffix(width))
            }
            guard !s.pending.isEmpty, !s.scheduled else { return false }
            s.scheduled = true
            return true
        }
        if start { queue.async { [self] in learnNext() } }
    }

    /// The stepper holding the newest adapted weights, once per batch of updates.
    func takeStepper() -> Stepper? { shared.withLock { s in defer { s.ready = nil }; return s.ready } }

    /// Back to the original weights (exactly), statistics cleared.
    func reset() {
        shared.withLock { $0.collected = []; $0.pending = []; $0.snapshot.taught = 0 }
        queue.async { [self] in
            evaluator.restoreOriginalWeights()
            evaluator.resetState()
            original.reset()
            let fresh = Stepper(model: base, precision: precision)
            shared.withLock { s in
                s.ready = fresh
                s.snapshot.updates = 0
                s.snapshot.relativeDistance = 0
                s.snapshot.surprise = nil
                s.snapshot.unadaptedSurprise = nil
            }
            changed?.fire()
        }
    }

    /// Waits until every segment handed over so far is learnt, and any queued save written (tests).
    func settle() {
        repeat { queue.sync() } while shared.withLock { $0.scheduled }
    }

    /// One job: learns the oldest waiting segment, then queues itself again while more wait.
    private func learnNext() {
        guard let segment = shared.withLock({ s -> [Float]? in
            if s.pending.isEmpty { s.scheduled = false; return nil }
            return s.pending.removeFirst()
        }) else { return }
        learn(segment)
        // One look under the lock: a segment added meanwhile saw `scheduled` and counts on this job.
        let more = shared.withLock { s in s.scheduled = !s.pending.isEmpty; return s.scheduled }
        if more { queue.async { [self] in learnNext() } }
    }

    /// Scores then learns from one segment, on the background queue.
    private func learn(_ segment: [Float]) {
        let n = segment.count / width - 1
        evaluator.rate = shared.withLock { $0.snapshot.rate }
        let unadapted = scorer.nats(of: segment, stepper: original) / Double(n)
        let adapted = scorer.adaptedNats(of: segment, evaluator: evaluator) / Double(n)
        let last = shared.withLock { $0.pending.isEmpty }
        // Packing costs about a step of the whole segment: only for the newest weights.
        let fresh = last ? Stepper(model: evaluator.adaptedModel(from: base), precision: precision) : nil
        let distance = evaluator.relativeDistance, updates = evaluator.updates
        shared.withLock { s in
            // An extreme event can score an infinite surprise: it would stay in the average for good.
            let a = Self.surpriseSmoothing
            if adapted.isFinite { s.snapshot.surprise = s.snapshot.surprise.map { (1 - a) * $0 + a * adapted } ?? adapted }
            if unadapted.isFinite { s.snapshot.unadaptedSurprise = s.snapshot.unadaptedSurprise.map { (1 - a) * $0 + a * unadapted } ?? unadapted }
            s.snapshot.updates = updates
            s.snapshot.relativeDistance = distance
            if let fresh { s.ready = fresh }
        }
        changed?.fire()
    }

    /// Queues writing the adapted model into `folder` as a new file, behind the segment
    /// being learnt (never blocking the caller, an OSC or WebSocket thread, for the backlog).
    /// The snapshot's `saved` names the file once written, `saveError` says why it was not.
    /// Its metadata records where the model came from and how far it adapted.
    func save(into folder: String) {
        queue.async { [self] in
            var model = evaluator.adaptedModel(from: base)
            let snapshot = shared.withLock { $0.snapshot }
            let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
            let stem = ((file ?? base.displayName) as NSString).lastPathComponent.replacingOccurrences(of: ".safetensors", with: "")
            var name = "\(stem)-adapted-\(stamp).safetensors", copy = 1
            while FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(name)) {
                copy += 1  // two saves within a second keep both
                name = "\(stem)-adapted-\(stamp)-\(copy).safetensors"
            }
            let path = (folder as NSString).appendingPathComponent(name)
            model.metadata[MetadataKey.name] = "\(base.displayName) (adapted)"
            model.metadata["adapted_from"] = (file as NSString?)?.lastPathComponent ?? base.displayName
            model.metadata["adaptation"] = String(format: "{\"%@\": %d, \"updates\": %d, \"relative_distance\": %.6f, \"rate\": %g, \"segment\": %d, \"decay\": %g}",
                                                  unit.rawValue, snapshot.taught, snapshot.updates, snapshot.relativeDistance, evaluator.rate,
                                                  evaluator.options.segment, evaluator.options.decay)
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try model.save(to: path)
                shared.withLock { $0.snapshot.saved = name; $0.snapshot.saveError = nil }
            } catch {
                shared.withLock { $0.snapshot.saveError = "cannot save the adapted model to \(path): \(error)" }
            }
            changed?.fire()
        }
    }
}
