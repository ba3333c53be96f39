import Dispatch
import Synchronization

/// An in-memory MIDI system for tests and for trying a mapping without hardware: devices
/// are plugged and unplugged by name, play messages into Baton and record what Baton
/// sends them. It behaves as ALSA does when a USB device is pulled: the port vanishes from
/// the listing, connections to it go quiet, and a device plugged back in is a new port
/// (old connections stay dead until they are reopened).
public final class LoopbackMIDI: MIDIBackend, Sendable {
    public let apiName = "loopback"
    public let supportsVirtualPorts = true
    public let clientName = "Baton"

    struct Port {
        var generation: Int
        var received: [[UInt8]] = []
    }
    struct Listener {
        var port: MIDIPortChoice
        var generation: Int
        var receive: @Sendable ([UInt8], UInt64) -> Void
    }
    struct State {
        var ports: [String: Port] = [:]
        var order: [String] = []
        var listeners: [ObjectIdentifier: Listener] = [:]
        var virtualReceived: [String: [[UInt8]]] = [:]
        var generation = 0
    }
    let state = Mutex(State())

    public init() {}

    /// Plugs in a device with one port each way named `name`.
    @discardableResult
    public func plug(_ name: String) -> LoopbackDevice {
        state.withLock { s in
            s.generation += 1
            s.ports[name] = Port(generation: s.generation)
            if !s.order.contains(name) { s.order.append(name) }
        }
        return LoopbackDevice(system: self, name: name)
    }

    /// Pulls the device out: its ports disappear from the listings.
    public func unplug(_ name: String) {
        state.withLock { s in
            s.ports[name] = nil
            s.order.removeAll { $0 == name }
        }
    }

    public func inputNames() throws(MIDIError) -> [String] { state.withLock { $0.order } }
    public func outputNames() throws(MIDIError) -> [String] { state.withLock { $0.order } }

    public func openInput(_ port: MIDIPortChoice, receive: @escaping @Sendable ([UInt8], UInt64) -> Void) throws(MIDIError) -> any MIDIInputConnection {
        let connection = LoopbackConnection(system: self, port: port)
        try state.withLock { s throws(MIDIError) in
            let generation: Int
            switch port {
            case .system(let name):
                guard let found = s.ports[name] else { throw MIDIError("no MIDI input named '\(name)'") }
                generation = found.generation
            case .virtual: generation = 0
            }
            s.listeners[ObjectIdentifier(connection)] = Listener(port: port, generation: generation, receive: receive)
        }
        return connection
    }

    public func openOutput(_ port: MIDIPortChoice) throws(MIDIError) -> any MIDIOutputConnection {
        let connection = LoopbackConnection(system: self, port: port)
        try state.withLock { s throws(MIDIError) in
            switch port {
            case .system(let name):
                guard let found = s.ports[name] else { throw MIDIError("no MIDI output named '\(name)'") }
                connection.generation = found.generation
            case .virtual(let name):
                s.virtualReceived[name, default: []] = []
            }
        }
        return connection
    }

    /// Delivers `bytes` to every open connection listening to `port` (on the caller's thread,
    /// as a backend thread would).
    func deliver(_ bytes: [UInt8], to port: MIDIPortChoice) {
        let receivers: [@Sendable ([UInt8], UInt64) -> Void] = state.withLock { s in
            let generation: Int
            switch port {
            case .system(let name):
                guard let found = s.ports[name] else { return [] }
                generation = found.generation
            case .virtual: generation = 0
            }
            return s.listeners.values.filter { $0.port == port && $0.generation == generation }.map(\.receive)
        }
        let now = DispatchTime.now().uptimeNanoseconds
        for receive in receivers { receive(bytes, now) }
    }

    func record(_ bytes: [UInt8], from connection: LoopbackConnection) {
        state.withLock { s in
            switch connection.port {
            case .system(let name):
                // Sent to a device that was unplugged (or replaced): lost, as on a real cable.
                guard s.ports[name]?.generation == connection.generation else { return }
                s.ports[name]?.received.append(bytes)
            case .virtual(let name):
                s.virtualReceived[name, default: []].append(bytes)
            }
        }
    }

    func close(_ connection: LoopbackConnection) {
        _ = state.withLock { $0.listeners.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// What Baton sent to one of its own virtual output ports.
    public func sentToVirtual(_ name: String) -> [[UInt8]] { state.withLock { $0.virtualReceived[name] ?? [] } }

    /// Plays into one of Baton's own virtual input ports, as another program would.
    public func playIntoVirtual(_ name: String, _ bytes: [UInt8]) { deliver(bytes, to: .virtual(name)) }
}

/// A plugged-in loopback device: what it plays reaches Baton, what Baton sends it is kept.
public struct LoopbackDevice: Sendable {
    let system: LoopbackMIDI
    public let name: String

    public func play(_ bytes: [UInt8]) { system.deliver(bytes, to: .system(name)) }
    public func play(_ message: MIDIMessage) { play(message.bytes) }

    /// Every message Baton sent to this device since it was plugged in (or cleared).
    public var received: [[UInt8]] { system.state.withLock { $0.ports[name]?.received ?? [] } }
    public var receivedMessages: [MIDIMessage] { received.compactMap { MIDIMessage(bytes: $0) } }

    public func clear() { system.state.withLock { $0.ports[name]?.received = [] } }
}

final class LoopbackConnection: MIDIInputConnection, MIDIOutputConnection, @unchecked Sendable {
    let system: LoopbackMIDI
    let port: MIDIPortChoice
    /// Set once when an output opens, before the connection is shared.
    var generation = 0

    init(system: LoopbackMIDI, port: MIDIPortChoice) {
        self.system = system
        self.port = port
    }

    func send(_ bytes: [UInt8]) throws(MIDIError) { system.record(bytes, from: self) }
    func close() { system.close(self) }
}
