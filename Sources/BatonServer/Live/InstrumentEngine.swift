import BatonCore
import Dispatch
import Foundation
import Synchronization

/// The predictive instrument (IMPS): performer events arrive as control values, the
/// server measures their dt, the control model predicts the next event and its time, and
/// predictions are sent at the moment their dt says (× timescale). Every event, the
/// performer's and the model's, is appended to the session log.
///
/// At most one prediction is ever queued: a new one replaces it, and a performer event in
/// call-and-response or filter mode drops it at once, so predictions never pile up.
public final class InstrumentEngine: @unchecked Sendable {
    let hub: EventHub
    let logFolder: String?

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
        var log: SessionLog?
        var running = true
        var inputs = 0
        var predictions = 0
    }
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?

    public init(model: Model, file: String? = nil, hub: EventHub, mode: InteractionMode, logFolder: String?,
                seed: UInt64 = UInt64.random(in: 0...UInt64.max)) throws(SessionLogError) {
        precondition(model.config.kind == .control, "InstrumentEngine needs a control model")
        self.hub = hub
        self.logFolder = logFolder
        let log = try logFolder.map { folder throws(SessionLogError) in try SessionLog(folder: folder, dims: model.config.inputSize, modelName: model.displayName) }
        state = Mutex(State(model: model, file: file, generator: EventGenerator(model: model, seed: seed), policy: InstrumentPolicy(mode: mode), log: log))
    }

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
        state.withLock { $0.log?.close() }
    }

    static func seconds(_ uptime: UInt64) -> Double { Double(uptime) / 1e9 }

    /// A performer event: control values without dt (dt is measured here, capped at the
    /// model's take-splitting pause).
    public func perform(_ values: [Float], receivedAt: UInt64 = DispatchTime.now().uptimeNanoseconds) throws(CommandError) {
        let emitted: (values: [Float], dt: Double)? = try state.withLock { s throws(CommandError) in
            let dims = s.model.config.inputSize
            guard values.count == dims - 1 else {
                throw CommandError("/interface needs \(dims - 1) values for the \(dims)-d model '\(s.model.displayName)', got \(values.count)")
            }
            let cap = Double(s.model.metadata["split_pause"].flatMap(Float.init) ?? 5)
            let dt = s.lastPerformer.map { min(cap, Self.seconds(receivedAt - min($0, receivedAt))) } ?? 0
            let event = [Float(dt)] + values
            s.lastPerformer = receivedAt
            s.inputs += 1
            s.log?.append(source: "interface", values: values)
            hub.publish(.interface(values: values, dt: dt))
            if s.policy.performerInterrupts { s.pending = nil }
            if s.policy.performerUpdatesModel { s.generator.feed(event) }
            guard s.policy.answersEachEvent, !s.paused else { return nil }
            let prediction = s.generator.sample()
            let due = receivedAt + UInt64(max(0, Double(prediction[0]) * s.timescale) * 1e9)
            if due <= DispatchTime.now().uptimeNanoseconds {
                return emit(prediction, in: &s)  // timescale 0 or an already-past time: answer now, on this thread
            }
            s.pending = Pending(event: prediction, due: due)
            return nil
        }
        if emitted == nil { wake.signal() }
    }

    /// Sends a prediction and logs it; in modes where the model feeds itself, feeds it back.
    private func emit(_ event: [Float], in s: inout State) -> ([Float], Double) {
        let values = Array(event.dropFirst())
        hub.publish(.prediction(values: values, dt: Double(event[0])))
        s.log?.append(source: "rnn", values: values)
        s.predictions += 1
        if s.policy.modelFeedsItself { s.generator.feed(event) }
        return (values, Double(event[0]))
    }

    public func apply(_ command: LiveCommand) throws(CommandError) {
        switch command {
        case .interface(let values): try perform(values)
        case .setMode(let mode): state.withLock { $0.policy.mode = mode; $0.pending = nil }
        case .setPiTemperature(let t):
            guard Temperature.isValid(t) else { throw CommandError("π-temperature must be a finite number > 0") }
            state.withLock { $0.generator.piTemperature = t }
        case .setSigmaTemperature(let t):
            guard Temperature.isValid(t) else { throw CommandError("σ-temperature must be a finite number > 0") }
            state.withLock { $0.generator.sigmaTemperature = t }
        case .setTimescale(let t):
            guard t >= 0 else { throw CommandError("timescale must be ≥ 0") }
            state.withLock { $0.timescale = t }
        case .setSilenceThreshold(let t):
            guard t >= 0 else { throw CommandError("silence threshold must be ≥ 0") }
            state.withLock { $0.policy.silenceThreshold = t }
        case .resetInstrument:
            state.withLock { s in s.generator.reset(); s.pending = nil; s.lastPerformer = nil }
        case .pauseInstrument(let paused): state.withLock { $0.paused = paused; if paused { $0.pending = nil } }
        default: return
        }
        wake.signal()
    }

    /// Switches to another control model without restarting (a retrained one, say); a new
    /// session log starts with it.
    public func load(_ model: Model, file: String? = nil) throws {
        guard model.config.kind == .control else { throw CommandError("\(model.displayName) is not a control model") }
        let log = try logFolder.map { try SessionLog(folder: $0, dims: model.config.inputSize, modelName: model.displayName) }
        state.withLock { s in
            let generator = EventGenerator(model: model, piTemperature: s.generator.piTemperature,
                                           sigmaTemperature: s.generator.sigmaTemperature, seed: s.generator.rng.next())
            s.log?.close()
            s.model = model
            s.file = file
            s.generator = generator
            s.log = log
            s.pending = nil
            s.lastPerformer = nil
        }
        wake.signal()
    }

    public struct Status: Sendable, Encodable {
        public var model: String
        /// The model's file name (and path), when it came from a file.
        public var file: String?
        public var path: String?
        public var dims: Int
        public var mode: String
        public var piTemperature: Float
        public var sigmaTemperature: Float
        public var timescale: Double
        public var silenceThreshold: Double
        public var paused: Bool
        public var inputs: Int
        public var predictions: Int
        public var log: String?
    }

    public var status: Status {
        state.withLock { s in
            Status(model: s.model.displayName, file: s.file.map { ($0 as NSString).lastPathComponent }, path: s.file, dims: s.model.config.inputSize, mode: s.policy.mode.rawValue,
                   piTemperature: s.generator.piTemperature, sigmaTemperature: s.generator.sigmaTemperature,
                   timescale: s.timescale, silenceThreshold: s.policy.silenceThreshold, paused: s.paused,
                   inputs: s.inputs, predictions: s.predictions, log: s.log?.path)
        }
    }

    private enum Wake { case stop, at(UInt64), idle }

    /// The scheduler: sends the queued prediction when due, and in the modes where the model
    /// plays, samples the next one.
    private func run() {
        loop: while true {
            let wakeAt: Wake = state.withLock { s in
                guard s.running else { return .stop }
                let now = DispatchTime.now().uptimeNanoseconds
                if let pending = s.pending, pending.due <= now {
                    s.pending = nil
                    _ = emit(pending.event, in: &s)
                }
                let last = s.lastPerformer.map(Self.seconds)
                if s.pending == nil, !s.paused, s.policy.modelPlays(now: Self.seconds(now), lastPerformerEvent: last) {
                    let prediction = s.generator.sample()
                    s.pending = Pending(event: prediction, due: now + UInt64(max(0, Double(prediction[0]) * s.timescale) * 1e9))
                }
                if let pending = s.pending { return .at(pending.due) }
                if !s.paused, let start = s.policy.nextStart(lastPerformerEvent: last) { return .at(UInt64(max(start, 0) * 1e9)) }
                return .idle
            }
            switch wakeAt {
            case .stop: break loop
            case .at(let due): if due > DispatchTime.now().uptimeNanoseconds { _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: due)) }
            case .idle: _ = wake.wait(timeout: .now() + .milliseconds(250))
            }
        }
        finished.signal()
    }
}
