import BatonCore
import Dispatch
import Foundation
import Synchronization

/// Everything the server is playing: the text ensemble, the instrument, the stroke models,
/// the workshop of logs and models, and the hub that tells clients about it. Transports
/// (OSC, WebSocket, HTTP) only parse and forward to `apply`.
public final class LiveSession: Sendable {
    /// Where every engine publishes its events; subscribe to hear the performance.
    public let hub: EventHub
    /// The text ensemble, when text models are loaded.
    public let text: TextEngine?
    /// The predictive instrument, when a control model is loaded.
    public let instrument: InstrumentEngine?
    /// Stroke continuation, when stroke models are loaded.
    public let strokes: StrokeEngine?
    /// The workspace of logs, datasets and models, and background training.
    public let workshop: Workshop
    /// OSC traffic and drops, counted by the OSC service.
    public let osc = Locked(OSCCounters())
    /// Connected WebSocket clients.
    public let clients = Atomic<Int>(0)
    /// Where what the server plays goes (set by the transports as they start).
    public let outputs = Locked(OutputRoutes())
    /// The MIDI output ports as they are now (devices come and go), while MIDI runs.
    public let midiOutputs = Locked<(@Sendable () -> [String])?>(nil)
    /// The text's last symbols, for pages that connect mid-performance.
    public let recent = RecentText()
    /// This run of the server, for clients that reconnect (`StatusSnapshot.instance`).
    public let instance = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    private let started = Date()
    private let statusUpdates: StatusThrottle

    /// A session of these engines; nothing runs until `start()`.
    public init(hub: EventHub, text: TextEngine?, instrument: InstrumentEngine?, strokes: StrokeEngine?, workshop: Workshop) {
        self.hub = hub
        self.text = text
        self.instrument = instrument
        self.strokes = strokes
        self.workshop = workshop
        statusUpdates = StatusThrottle(interval: 0.05)
        if text != nil {
            let recent = self.recent
            _ = hub.listen { recent.record($0) }
        }
        // Adaptation learns in the background: each update moves the Studio's surprise meters.
        text?.adaptation.changed.connect { [weak self] in self?.publishStatus() }
        instrument?.adaptationChanged.connect { [weak self] in self?.publishStatus() }
    }

    /// Starts the text and instrument threads.
    public func start() {
        text?.start()
        instrument?.start()
    }

    /// Stops the engines and closes the session log; everything written is on disk.
    public func stop() {
        text?.stop()
        instrument?.stop()
        hub.finishAll()
    }

    /// Applies a command from any client. Performer events are not echoed as status.
    public func apply(_ command: LiveCommand) throws(CommandError) {
        if command.isInstrumentCommand {
            guard let instrument else { throw CommandError("no control model is loaded: start the server with one to play the instrument") }
            try instrument.apply(command)
        } else {
            guard let text else { throw CommandError("no text models are loaded") }
            try text.apply(command)
        }
        if case .interface = command { return }
        publishStatus()
    }

    /// Tells every client the state changed, at most every 50 ms (a fader or a flood of OSC
    /// would otherwise send a status per message); the last change is always published.
    public func publishStatus() {
        statusUpdates.request { [self] in hub.publish(.status(status)) }
    }

    /// Everything `GET /api/status` reports, read now.
    public var status: StatusSnapshot {
        var routes = outputs.withLock { $0 }
        routes.midi = midiOutputs.withLock { $0 }?() ?? []
        return StatusSnapshot(text: text?.status, instrument: instrument?.status, strokes: strokes?.names ?? [], clients: clients.load(ordering: .relaxed),
                       osc: osc.withLock { $0 }, training: workshop.trainingStatus, uptimeSeconds: (Date().timeIntervalSince(started) * 10).rounded() / 10,
                       instance: instance, outputs: routes)
    }
}

/// Runs an action at most once per interval: a request inside the interval is deferred to
/// its end, and requests meanwhile are folded into that one.
final class StatusThrottle: Sendable {
    private struct State {
        var last: UInt64 = 0
        var scheduled = false
    }
    private let state = Locked(State())
    private let interval: UInt64
    /// Serial, so statuses go out in the order they were read.
    private let publisher = DispatchQueue(label: "baton.status", qos: .userInitiated)

    init(interval seconds: Double) { interval = Saturating.nanoseconds(seconds) }

    func request(_ action: @escaping @Sendable () -> Void) {
        let now = DispatchTime.now().uptimeNanoseconds
        let delay: UInt64? = state.withLock { s in
            if s.scheduled { return nil }
            let next = Saturating.add(s.last, interval)
            if now >= next {
                s.last = now
                return 0
            }
            s.scheduled = true
            return next - now
        }
        guard let delay else { return }
        // Never on the caller's thread: a request comes from live adaptation's learning thread
        // too (SCHED_IDLE), and building and sending the status takes the engines' and the
        // hub's locks, which that thread must not hold when a live thread preempts it.
        if delay == 0 { publisher.async(execute: action); return }
        publisher.asyncAfter(deadline: .now() + .nanoseconds(Int(delay))) { [self] in
            state.withLock { $0.scheduled = false; $0.last = DispatchTime.now().uptimeNanoseconds }
            action()
        }
    }
}
