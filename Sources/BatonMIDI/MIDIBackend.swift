/// A MIDI system Baton can open ports on: RtMidi (ALSA, JACK, CoreMIDI) on a real
/// machine, `LoopbackMIDI` in tests. Port names are the system's full names
/// ("S-1:S-1 MIDI 1 24:0" on ALSA, "a2j:S-1 [24] (capture): S-1 MIDI 1" on JACK);
/// `MIDIPortMatch` finds them from the short names people write.
public protocol MIDIBackend: Sendable {
    /// The API in use, as people know it ("ALSA", "JACK", "CoreMIDI", "loopback").
    var apiName: String { get }
    /// Whether `virtual` ports can be opened (not on Windows MM, nor on a missing JACK server).
    var supportsVirtualPorts: Bool { get }
    /// The name of Baton's own client: system ports that start with it are Baton's own.
    var clientName: String { get }
    /// Ports Baton can receive from (devices' outputs), in the system's order.
    func inputNames() throws(MIDIError) -> [String]
    /// Ports Baton can send to (devices' inputs).
    func outputNames() throws(MIDIError) -> [String]
    /// Opens a port to receive from. `receive` runs on the backend's own thread with each
    /// complete message and the arrival time (`DispatchTime` uptime, ns); it must be quick.
    func openInput(_ port: MIDIPortChoice, receive: @escaping @Sendable ([UInt8], UInt64) -> Void) throws(MIDIError) -> any MIDIInputConnection
    func openOutput(_ port: MIDIPortChoice) throws(MIDIError) -> any MIDIOutputConnection
}

/// Which port to open: a system port by its full name, or a new virtual port of our own
/// that other programs connect to.
public enum MIDIPortChoice: Sendable, Equatable, CustomStringConvertible {
    case system(String)
    case virtual(String)

    public var description: String {
        switch self {
        case .system(let name): return name
        case .virtual(let name): return "\(name) (virtual)"
        }
    }
}

public protocol MIDIInputConnection: AnyObject, Sendable {
    var port: MIDIPortChoice { get }
    /// Stops delivery; after it returns the receive closure is not called again.
    func close()
}

public protocol MIDIOutputConnection: AnyObject, Sendable {
    var port: MIDIPortChoice { get }
    func send(_ bytes: [UInt8]) throws(MIDIError)
    func close()
}

/// What went wrong with MIDI, rendered as one line with a hint.
public struct MIDIError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String

    public init(_ message: String, hint: String = "") {
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.isEmpty ? message : "\(message) (hint: \(hint))" }
}
