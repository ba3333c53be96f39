import BatonCore
import Dispatch
import Foundation

/// The predictive instrument (IMPS): performer events arrive as control values, the
/// server measures their dt, the control model predicts the next event and its time, and
/// predictions are sent at the moment their dt says (× timescale), never more than
/// `LiveLimits.predictionRate` a second. Every event, the performer's and the model's, is
/// appended to the session log.
///
/// At most one prediction is ever queued: a new one replaces it, and a performer event in
/// call-and-response or filter mode drops it at once, so predictions never pile up. The
/// model and the schedule live under one lock; what leaves the engine (events, log lines)
/// is queued under it and sent after it is released (`EffectQueue`).
public final class InstrumentEngine: @unchecked Sendable {
    let hub: EventHub
    let logFolder: String?
    let logStyle: SessionLog.Style
    /// Where `saveAdaptation` writes adapted models (the workspace's models folder).
    let modelFolder: String?
    /// Told when adaptation learnt from a segment (the session then publishes its status).
    let adaptationChanged = ChangeSignal()

    struct Pending {
        var event: [Float]
        var due: UInt64
    }
    struct State {
        var model: Model
        /// The file the model came from, when known.
        var file: String?
        var generator: EventGenerator
        var policy: InstrumentPolicy
        var timescale: Double = 1
        var paused = false
        var lastPerformer: UInt64?
        var pending: Pending?
        var running = true
        var inputs = 0
        var predictions = 0
        var bucket: TokenBucket
        /// Learns from the performer's events in the background (off until asked).
        var adaptation: LiveAdaptation
    }
    /// Internal so tests can look at the generator and the adaptation under the lock.
    let state: Locked<State>
    private let effects: EffectQueue<InstrumentEffect>
    private let logs: SessionLogWriter
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?

    /// An instrument for a control model; with `logFolder`, every event is logged there. Throws when the log cannot be made.
    public init(model: Model, file: String? = nil, hub: EventHub, mode: InteractionMode, logFolder: String?, logStyle: SessionLog.Style = SessionLog.Style(),
                modelFolder: String? = nil, seed: UInt64 = UInt64.random(in: 0...UInt64.max)) throws(SessionLogError) {
        precondition(model.config.kind == .control, "InstrumentEngine needs a control model")
        self.hub = hub
        self.logFolder = logFolder
        self.logStyle = logStyle
        self.modelFolder = modelFolder
        let log = try logFolder.map { folder throws(SessionLogError) in try SessionLog(folder: folder, dims: model.config.inputSize, modelName: model.displayName, style: logStyle) }
        let logs = SessionLogWriter(log)
        self.logs = logs
        effects = EffectQueue { effect in effect.perform(hub: hub, logs: logs) }
        let bucket = TokenBucket(rate: LiveLimits.predictionRate, burst: LiveLimits.predictionBurst, now: DispatchTime.now().uptimeNanoseconds)
        state = Locked(State(model: model, file: file, generator: EventGenerator(model: model, seed: seed), policy: InstrumentPolicy(mode: mode), bucket: bucket,
                            adaptation: LiveAdaptation(model: model, file: file, changed: adaptationChanged)))
    }

    /// Starts the scheduler thread ("baton.instrument").
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "baton.instrument"
        thread.qualityOfService = .userInteractive
        self.thread = thread
        thread.start()
    }

    /// Stops the scheduler and closes the log (everything written is on disk).
    public func stop() {
        if thread != nil {
            state.withLock { $0.running = false }
            wake.signal()
            finished.wait()
            thread = nil
        }
        state.withLock { _ in effects.enqueue(.closeLog) }
        effects.drainAndWait()
    }

    static func seconds(_ uptime: UInt64) -> Double { Double(uptime) / 1e9 }

    /// A performer event: control values without dt (dt is measured here, capped at the
    /// model's take-splitting pause).
    public func perform(_ values: [Float], receivedAt: UInt64 = DispatchTime.now().uptimeNanoseconds) throws(CommandError) {
        let date = Date()
        let answered: Bool = try state.withLock { s throws(CommandError) in
            let dims = s.model.config.inputSize
            guard values.count == dims - 1 else {
                throw CommandError("/interface needs \(dims - 1) values for the \(dims)-d model '\(s.model.displayName)', got \(values.count)")
            }
            let cap = Double(s.model.metadata["split_pause"].flatMap(Float.init).flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? 5)
            let dt = s.lastPerformer.map { min(cap, Self.seconds(Saturating.subtract(receivedAt, $0))) } ?? 0
            let event = [Float(dt)] + values
            s.lastPerformer = receivedAt
            s.inputs += 1
            effects.enqueue(.log(source: "interface", values: values, date: date))
            effects.enqueue(.publish(.interface(values: values, dt: dt)))
            if s.policy.performerInterrupts { s.pending = nil }
            if s.policy.performerUpdatesModel {
                Self.adoptAdaptedWeights(&s)
                s.generator.feed(event)
                s.adaptation.teach(event)  // performer events only: `emit` never teaches
            }
            guard s.policy.answersEachEvent, !s.paused else { return false }
            let prediction = s.generator.sample()
            let due = Saturating.add(receivedAt, wait(prediction, timescale: s.timescale))
            let now = DispatchTime.now().uptimeNanoseconds
            if due <= now, s.bucket.take(now: now) {
                emit(prediction, in: &s)  // timescale 0 or an already-past time: answer now, on this thread
                return true
            }
            s.pending = Pending(event: prediction, due: due)
            return false
        }
        effects.drain()
        if !answered { wake.signal() }
    }

    /// How long a prediction waits: its dt × timescale, at most `LiveLimits.predictionWait`.
    private func wait(_ prediction: [Float], timescale: Double) -> UInt64 {
        Saturating.nanoseconds(min(LiveLimits.predictionWait, Double(prediction[0]) * timescale))
    }

    /// Swaps in the newest adapted weights, if an update finished, between two steps.
    private static func adoptAdaptedWeights(_ s: inout State) {
        if let fresh = s.adaptation.takeStepper() { s.generator.replaceStepper(fresh) }
    }

    /// Queues a prediction's sending and logging; in modes where the model feeds itself,
    /// feeds it back. Call with the lock held and a token taken.
    private func emit(_ event: [Float], in s: inout State) {
        let values = Array(event.dropFirst())
        effects.enqueue(.publish(.prediction(values: values, dt: Double(event[0]))))
        effects.enqueue(.log(source: "rnn", values: values, date: Date()))
        s.predictions += 1
        if s.policy.modelFeedsItself { s.generator.feed(event) }
    }

    /// Applies an instrument command. Values were checked when the command was parsed.
    public func apply(_ command: LiveCommand) throws(CommandError) {
        switch command {
        case .interface(let values): try perform(values); return
        case .setMode(let mode): state.withLock { $0.policy.mode = mode; $0.pending = nil }
        case .setPiTemperature(let t): state.withLock { $0.generator.piTemperature = t }
        case .setSigmaTemperature(let t): state.withLock { $0.generator.sigmaTemperature = t }
        case .setTimescale(let t): state.withLock { $0.timescale = t }
        case .setSilenceThreshold(let t): state.withLock { $0.policy.silenceThreshold = t }
        case .resetInstrument: state.withLock { s in s.generator.reset(); s.pending = nil; s.lastPerformer = nil }
        case .pauseInstrument(let paused): state.withLock { $0.paused = paused; if paused { $0.pending = nil } }
        case .setAdaptation(let on): state.withLock { $0.adaptation.setEnabled(on) }
        case .setAdaptationRate(let rate): state.withLock { $0.adaptation.setRate(rate) }
        case .resetAdaptation: state.withLock { $0.adaptation.reset() }
        case .saveAdaptation:
            guard let modelFolder else { throw CommandError("this server has no workspace to save an adapted model into") }
            state.withLock { $0.adaptation }.save(into: modelFolder)
            return
        default: return
        }
        wake.signal()
    }

    /// Switches to another control model without restarting (a retrained one, say); a new
    /// session log starts with it (at its first event).
    public func load(_ model: Model, file: String? = nil) throws(CommandError) {
        guard model.config.kind == .control else { throw CommandError("\(model.displayName) is not a control model") }
        state.withLock { s in
            s.generator = EventGenerator(model: model, piTemperature: s.generator.piTemperature,
                                         sigmaTemperature: s.generator.sigmaTemperature, seed: s.generator.rng.next())
            s.model = model
            s.file = file
            s.adaptation = LiveAdaptation(model: model, file: file, changed: adaptationChanged)
            s.pending = nil
            s.lastPerformer = nil
            if let logFolder { effects.enqueue(.openLog(folder: logFolder, dims: model.config.inputSize, model: model.displayName, style: logStyle)) }
        }
        effects.drain()
        wake.signal()
    }

    /// The instrument's settings and counters as clients see them.
    public struct Status: Sendable, Encodable {
        /// The control model's display name.
        public var model: String
        /// The model's file name (never its path), when it came from a file.
        public var file: String?
        /// Values per event, dt included.
        public var dims: Int
        /// The interaction mode's name.
        public var mode: String
        /// Component temperature.
        public var piTemperature: Float
        /// Variance multiplier.
        public var sigmaTemperature: Float
        /// The factor on every predicted dt.
        public var timescale: Double
        /// Seconds of silence before call-and-response answers.
        public var silenceThreshold: Double
        /// Whether predictions are paused.
        public var paused: Bool
        /// Performer events received.
        public var inputs: Int
        /// Predictions sent.
        public var predictions: Int
        /// The most predictions a second the engine sends, whatever the timescale.
        public var maximumPredictionRate: Double
        /// The session log's file name, once the first event created it.
        public var log: String?
        /// Live adaptation to the performer: on/off, rate, progress, surprise adapted vs not.
        var adaptation: LiveAdaptation.Snapshot
    }

    /// The settings and counters now.
    public var status: Status {
        let log = logs.fileName
        return state.withLock { s in
            Status(model: s.model.displayName, file: s.file.map { ($0 as NSString).lastPathComponent }, dims: s.model.config.inputSize,
                   mode: s.policy.mode.rawValue, piTemperature: s.generator.piTemperature, sigmaTemperature: s.generator.sigmaTemperature,
                   timescale: s.timescale, silenceThreshold: s.policy.silenceThreshold, paused: s.paused,
                   inputs: s.inputs, predictions: s.predictions, maximumPredictionRate: LiveLimits.predictionRate, log: log,
                   adaptation: s.adaptation.snapshot)
        }
    }

    /// The session log's full path (for the CLI and tests; the API shows only the name).
    public var logPath: String? { logs.path }

    private enum Wake { case stop, at(UInt64), idle }

    /// The scheduler: sends the queued prediction when due (and a token is there), and in
    /// the modes where the model plays, samples the next one.
    private func run() {
        loop: while true {
            let wakeAt: Wake = state.withLock { s in
                guard s.running else { return .stop }
                let now = DispatchTime.now().uptimeNanoseconds
                if let pending = s.pending, pending.due <= now {
                    if s.bucket.take(now: now) {
                        s.pending = nil
                        emit(pending.event, in: &s)
                    } else {
                        s.pending?.due = s.bucket.available(now: now)
                    }
                }
                let last = s.lastPerformer.map(Self.seconds)
                if s.pending == nil, !s.paused, s.policy.modelPlays(now: Self.seconds(now), lastPerformerEvent: last) {
                    Self.adoptAdaptedWeights(&s)
                    let prediction = s.generator.sample()
                    s.pending = Pending(event: prediction, due: Saturating.add(now, wait(prediction, timescale: s.timescale)))
                }
                if let pending = s.pending { return .at(pending.due) }
                if !s.paused, let start = s.policy.nextStart(lastPerformerEvent: last) { return .at(Saturating.nanoseconds(start)) }
                return .idle
            }
            effects.drain()
            switch wakeAt {
            case .stop: break loop
            case .at(let due): if due > DispatchTime.now().uptimeNanoseconds { _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: due)) }
            case .idle: _ = wake.wait(timeout: .now() + .milliseconds(250))
            }
        }
        finished.signal()
    }
}

/// What leaves the instrument engine, in order.
enum InstrumentEffect: Sendable {
    case publish(LiveEvent)
    case log(source: String, values: [Float], date: Date)
    /// A new model: the next event starts a new log file.
    case openLog(folder: String, dims: Int, model: String, style: SessionLog.Style)
    case closeLog

    func perform(hub: EventHub, logs: SessionLogWriter) {
        switch self {
        case .publish(let event): hub.publish(event)
        case .log(let source, let values, let date): logs.append(source: source, values: values, at: date)
        case .openLog(let folder, let dims, let model, let style): logs.replace(with: try? SessionLog(folder: folder, dims: dims, modelName: model, style: style))
        case .closeLog: logs.close()
        }
    }
}

/// The current session log, written only from the engine's effect queue.
final class SessionLogWriter: Sendable {
    private let current: Locked<SessionLog?>

    init(_ log: SessionLog?) { current = Locked(log) }

    func append(source: String, values: [Float], at date: Date) {
        current.withLock { $0 }?.append(source: source, values: values, at: date)
    }

    /// Closes the current log (flushing it) and starts writing to `log`.
    func replace(with log: SessionLog?) {
        let old = current.withLock { state -> SessionLog? in
            defer { state = log }
            return state
        }
        old?.close()
    }

    /// Flushes and closes the current log; its name stays readable.
    func close() { current.withLock { $0 }?.close() }

    var path: String? { current.withLock { $0 }?.path }
    var fileName: String? { path.map { ($0 as NSString).lastPathComponent } }
}
