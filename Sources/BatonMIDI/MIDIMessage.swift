/// One MIDI channel message as Baton uses it. Channels are counted 1–16, as musicians,
/// synth manuals and IMPSY's configs count them; the wire carries 0–15.
public enum MIDIMessage: Sendable, Equatable, CustomStringConvertible {
    case noteOn(channel: Int, note: Int, velocity: Int)
    case noteOff(channel: Int, note: Int, velocity: Int)
    case controlChange(channel: Int, controller: Int, value: Int)
    /// Anything else (clock, sysex, pitch bend, …), kept as bytes and otherwise ignored.
    case other([UInt8])

    /// Parses one complete message as a MIDI API delivers it (status byte first). Returns nil
    /// for an empty or truncated message; data bytes are masked to 7 bits.
    public init?(bytes: some Collection<UInt8>) {
        guard let status = bytes.first else { return nil }
        let data = Array(bytes.dropFirst())
        let kind = status & 0xF0, channel = Int(status & 0x0F) + 1
        switch kind {
        case 0x80, 0x90, 0xB0:
            guard data.count >= 2 else { return nil }
            let a = Int(data[0] & 0x7F), b = Int(data[1] & 0x7F)
            if kind == 0xB0 {
                self = .controlChange(channel: channel, controller: a, value: b)
            } else if kind == 0x90 {
                self = .noteOn(channel: channel, note: a, velocity: b)
            } else {
                self = .noteOff(channel: channel, note: a, velocity: b)
            }
        default:
            self = .other(Array(bytes))
        }
    }

    /// The wire bytes. Values outside their 7-bit and channel ranges are a programmer error.
    public var bytes: [UInt8] {
        func byte(_ v: Int, _ what: String) -> UInt8 {
            precondition((0...127).contains(v), "MIDI \(what) \(v) is outside 0–127")
            return UInt8(v)
        }
        func status(_ kind: UInt8, _ channel: Int) -> UInt8 {
            precondition((1...16).contains(channel), "MIDI channel \(channel) is outside 1–16")
            return kind | UInt8(channel - 1)
        }
        switch self {
        case .noteOn(let c, let n, let v): return [status(0x90, c), byte(n, "note"), byte(v, "velocity")]
        case .noteOff(let c, let n, let v): return [status(0x80, c), byte(n, "note"), byte(v, "velocity")]
        case .controlChange(let c, let n, let v): return [status(0xB0, c), byte(n, "controller"), byte(v, "value")]
        case .other(let bytes): return bytes
        }
    }

    /// A note-on with velocity 0 is a note-off by the MIDI specification (running status
    /// lets keyboards send them that way).
    public var isNoteRelease: Bool {
        switch self {
        case .noteOff: return true
        case .noteOn(_, _, let velocity): return velocity == 0
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .noteOn(let c, let n, let v): return "note-on ch \(c) note \(n) vel \(v)"
        case .noteOff(let c, let n, let v): return "note-off ch \(c) note \(n) vel \(v)"
        case .controlChange(let c, let n, let v): return "CC \(n) ch \(c) = \(v)"
        case .other(let bytes): return "MIDI " + bytes.map { String($0, radix: 16) }.joined(separator: " ")
        }
    }
}
