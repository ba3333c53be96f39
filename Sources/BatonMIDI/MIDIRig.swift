import Dispatch
import Foundation
import Synchronization

/// IMPSY's MIDI side, natively: devices opened by (sub)name, incoming notes and controllers
/// turned into the instrument's dense vector of values, predictions turned back into MIDI.
///
/// MIDI runs on its own thread ("baton.midi"): the backend's callback only queues the bytes
/// (JACK calls it from its real-time thread), the MIDI thread maps them and hands the vector
/// to `perform`. Every `rescanInterval` the same thread looks for devices that disappeared
/// (closed, reported) or came back (reopened), so a synth that is power-cycled mid-set
/// rejoins without stopping anything. Output goes out from the caller's thread under a lock.
public final class MIDIRig: Sendable {
    public let backend: any MIDIBackend
    public let configuration: MIDIRigConfiguration
    let perform: @Sendable ([Float]) -> Void
    let report: @Sendable (String) -> Void
    let observe: (@Sendable (String, MIDIMessage) -> Void)?

    struct Endpoint<Connection: Sendable>: Sendable {
        var device: MIDIRigConfiguration.Device
        var connection: Connection?
        /// The system port it is connected to.
        var systemName: String?
        /// Whether "not found" was already said for it (say it once, not every scan).
        var reportedMissing = false
    }
    struct Output: Sendable {
        var endpoint: Endpoint<any MIDIOutputConnection>
        var held = HeldNotes()
    }
    struct Outputs: Sendable {
        var all: [Output]
        var feedback: FeedbackGuard
    }
    struct Inbox: Sendable {
        var messages: [(input: Int, bytes: [UInt8], time: UInt64)] = []
        var running = false
    }

    let inputs: Mutex<[Endpoint<any MIDIInputConnection>]>
    let outputs: Mutex<Outputs>
    let inbox = Mutex(Inbox())
    /// The performer's latest values: a MIDI event changes one of them (IMPSY's dense list).
    let current: Mutex<[Float]>
    let counters = Mutex(MIDIRigCounters())
    let wake = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)

    /// `perform` receives the whole vector after each mapped performer event; `report` gets
    /// one line for each device opened, missing, lost or back; `observe` sees every channel
    /// message from every input, with the device's name (for control maps beside the mapping).
    public init(backend: any MIDIBackend, configuration: MIDIRigConfiguration,
                perform: @escaping @Sendable ([Float]) -> Void,
                report: @escaping @Sendable (String) -> Void = { _ in },
                observe: (@Sendable (String, MIDIMessage) -> Void)? = nil) throws(MIDIError) {
        try configuration.validate()
        self.backend = backend
        self.configuration = configuration
        self.perform = perform
        self.report = report
        self.observe = observe
        inputs = Mutex(configuration.inputs.map { Endpoint(device: $0) })
        outputs = Mutex(Outputs(all: configuration.outputs.map { Output(endpoint: Endpoint(device: $0)) },
                                feedback: FeedbackGuard(enabled: configuration.feedbackProtection, threshold: configuration.feedbackThreshold)))
        current = Mutex([Float](repeating: 0.5, count: configuration.values))
    }

    /// Opens virtual ports and every device present (a missing one is reported and opened
    /// when it appears), then starts the MIDI thread. Throws only when a virtual port
    /// cannot be made.
    public func start() throws(MIDIError) {
        try openVirtualPorts()
        scan()
        inbox.withLock { $0.running = true }
        let thread = Thread { [self] in run() }
        thread.name = "baton.midi"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the MIDI thread, releases every note still sounding (IMPSY's shutdown
    /// note-offs), and closes the ports.
    public func stop() {
        let wasRunning = inbox.withLock { s -> Bool in
            defer { s.running = false }
            return s.running
        }
        if wasRunning {
            wake.signal()
            finished.wait()
        }
        // Note-offs first, then the ports closed away from the locks: closing a JACK client
        // waits for the server, which must never hold up the status line or the exit
        // (IMPSY bounds its input close for the same reason).
        let closing: [() -> Void] = outputs.withLock { o in
            o.all.indices.compactMap { i -> (() -> Void)? in
                let offs = o.all[i].held.releaseAll()
                guard let connection = o.all[i].endpoint.connection else { return nil }
                o.all[i].endpoint.connection = nil
                for message in offs { try? connection.send(message.bytes) }
                return { connection.close() }
            }
        } + inputs.withLock { all in
            all.indices.compactMap { i -> (() -> Void)? in
                guard let connection = all[i].connection else { return nil }
                all[i].connection = nil
                return { connection.close() }
            }
        }
        Self.finish(closing, within: 2)
    }

    /// Runs `work` on a thread of its own and waits at most `seconds` for it.
    static func finish(_ work: [() -> Void], within seconds: Double) {
        guard !work.isEmpty else { return }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let jobs = work
        let thread = Thread {
            for job in jobs { job() }
            done.signal()
        }
        thread.name = "baton.midi.close"
        thread.start()
        _ = done.wait(timeout: .now() + seconds)
    }

    /// Plays one vector of values (a prediction) on every output that has a mapping.
    public func play(_ values: [Float]) {
        send(values, to: nil)
        counters.withLock { $0.played += 1 }
    }

    /// The performer's values arrived another way (OSC `/interface`): later MIDI events
    /// change these, as IMPSY keeps one dense list for all its inputs.
    public func performerValues(_ values: [Float]) {
        guard values.count == configuration.values else { return }
        current.withLock { $0 = values }
    }

    /// Sends `values` through the mappings of the outputs named in `names` (nil: all).
    func send(_ values: [Float], to names: [String]?) {
        guard values.count == configuration.values else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        var sent = 0, failed: [String] = []
        outputs.withLock { o in
            for i in o.all.indices {
                let device = o.all[i].endpoint.device
                guard let mapping = device.mapping, let connection = o.all[i].endpoint.connection else { continue }
                if let names, !names.contains(device.name) { continue }
                for message in o.all[i].held.play(mapping.encode(values)) {
                    do {
                        try connection.send(message.bytes)
                        sent += 1
                    } catch {
                        failed.append("\(device.name): \(error)")
                    }
                }
                o.feedback.sent(at: now)
            }
        }
        counters.withLock { $0.sent += sent; $0.sendErrors += failed.count }
        if let first = failed.first { report("MIDI output \(first)") }
    }

    public var status: MIDIRigStatus {
        let ins = inputs.withLock { $0.map { MIDIRigStatus.Port(name: $0.device.name, virtual: $0.device.virtual, connectedTo: $0.connection == nil ? nil : $0.systemName ?? $0.device.name) } }
        let outs = outputs.withLock { $0.all.map { MIDIRigStatus.Port(name: $0.endpoint.device.name, virtual: $0.endpoint.device.virtual, connectedTo: $0.endpoint.connection == nil ? nil : $0.endpoint.systemName ?? $0.endpoint.device.name) } }
        return MIDIRigStatus(api: backend.apiName, inputs: ins, outputs: outs, counters: counters.withLock { $0 })
    }
}

/// What the rig has done since it started.
public struct MIDIRigCounters: Sendable, Equatable, Encodable {
    /// Channel messages received from every input.
    public var received = 0
    /// Messages that became performer events.
    public var performed = 0
    /// Messages no mapping takes (other channels, note-offs, clock…).
    public var unmapped = 0
    /// Note-ons dropped as echoes of Baton's own notes (feedback protection).
    public var echoes = 0
    /// Incoming messages dropped because the MIDI thread fell behind.
    public var overflowed = 0
    /// Vectors played (predictions) and messages sent.
    public var played = 0
    public var sent = 0
    public var sendErrors = 0
}

public struct MIDIRigStatus: Sendable, Equatable, Encodable {
    public struct Port: Sendable, Equatable, Encodable {
        public var name: String
        public var virtual: Bool
        /// The system port it is connected to; nil while the device is missing.
        public var connectedTo: String?
    }
    public var api: String
    public var inputs: [Port]
    public var outputs: [Port]
    public var counters: MIDIRigCounters
}
