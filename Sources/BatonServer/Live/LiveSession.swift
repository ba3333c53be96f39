import BatonCore
import Foundation
import Synchronization

/// Everything the server is playing: the text ensemble, the instrument, the stroke models,
/// the workshop of logs and models, and the hub that tells clients about it. Transports
/// (OSC, WebSocket, HTTP) only parse and forward to `apply`.
public final class LiveSession: Sendable {
    public let hub: EventHub
    public let text: TextEngine?
    public let instrument: InstrumentEngine?
    public let strokes: StrokeEngine?
    public let workshop: Workshop
    public let osc = Mutex(OSCCounters())
    /// Connected WebSocket clients.
    public let clients = Atomic<Int>(0)
    private let started = Date()

    public init(hub: EventHub, text: TextEngine?, instrument: InstrumentEngine?, strokes: StrokeEngine?, workshop: Workshop) {
        self.hub = hub
        self.text = text
        self.instrument = instrument
        self.strokes = strokes
        self.workshop = workshop
    }

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
        switch command {
        case .interface, .setMode, .setPiTemperature, .setSigmaTemperature, .setTimescale, .setSilenceThreshold, .resetInstrument, .pauseInstrument:
            guard let instrument else { throw CommandError("no control model is loaded: start the server with one to play the instrument") }
            try instrument.apply(command)
        default:
            guard let text else { throw CommandError("no text models are loaded") }
            try text.apply(command)
        }
        if case .interface = command { return }
        hub.publish(.status(status))
    }

    public var status: StatusSnapshot {
        StatusSnapshot(text: text?.status, instrument: instrument?.status, strokes: strokes?.names ?? [], clients: clients.load(ordering: .relaxed),
                       osc: osc.withLock { $0 }, training: workshop.trainingStatus, uptimeSeconds: Date().timeIntervalSince(started))
    }
}
