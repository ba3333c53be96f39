/// IMPSY's mapping between an instrument's values and MIDI: an ordered list, one entry per
/// value (the instrument's dimensions 1…N; dt is measured, never mapped). The same shape
/// serves both directions.
///
/// - `["note_on", channel]`: in, a note-on's note number / 127; out, note `ceil(v·127)` at
///   velocity 127, after a note-off for the previous note on that channel.
/// - `["control_change", channel, controller]`: value / 127 in, `ceil(v·127)` out.
/// - `["control_change", channel, controller, min, max]`: out, the 0–127 value is squeezed
///   into `min…max` as IMPSY does (`ceil((max − min)·m / 127) + min`); in, the value is read
///   back from that range (IMPSY itself never matches such an entry on input).
public struct MIDIMapping: Sendable, Equatable {
    public enum Entry: Sendable, Equatable, CustomStringConvertible {
        case note(channel: Int)
        case control(channel: Int, controller: Int, range: ClosedRange<Int>? = nil)

        public var channel: Int {
            switch self {
            case .note(let c), .control(let c, _, _): return c
            }
        }

        public var description: String {
            switch self {
            case .note(let c): return "[\"note_on\", \(c)]"
            case .control(let c, let n, nil): return "[\"control_change\", \(c), \(n)]"
            case .control(let c, let n, let r?): return "[\"control_change\", \(c), \(n), \(r.lowerBound), \(r.upperBound)]"
            }
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    /// The default when no mapping is given: the first value as notes on channel 1, the
    /// others as controllers 1, 2, … on channel 1 (a keyboard with knobs, a synth).
    public static func standard(values: Int) -> MIDIMapping {
        MIDIMapping((0..<values).map { $0 == 0 ? .note(channel: 1) : .control(channel: 1, controller: $0) })
    }

    /// The value index and the value in [0, 1] an incoming message stands for, or nil when
    /// no entry takes it. The first matching entry wins (IMPSY's `list.index`). Note
    /// releases (note-off, or note-on at velocity 0) carry no value.
    public func decode(_ message: MIDIMessage) -> (index: Int, value: Float)? {
        switch message {
        case .noteOn(let channel, let note, let velocity) where velocity > 0:
            guard let i = entries.firstIndex(of: .note(channel: channel)) else { return nil }
            return (i, Float(note) / 127)
        case .controlChange(let channel, let controller, let value):
            for (i, entry) in entries.enumerated() {
                guard case .control(channel, controller, let range) = entry else { continue }
                guard let range, range.upperBound != range.lowerBound else { return (i, Float(value) / 127) }
                let v = Float(value - range.lowerBound) / Float(range.upperBound - range.lowerBound)
                return (i, min(1, max(0, v)))
            }
            return nil
        default:
            return nil
        }
    }

    /// The messages for one vector of values, in entry order. Values are clipped to [0, 1]
    /// first (IMPSY clips every output); a non-finite value counts as 0.
    public func encode(_ values: [Float]) -> [MIDIMessage] {
        precondition(values.count == entries.count, "MIDIMapping: \(values.count) values for \(entries.count) entries")
        return zip(entries, values).map { entry, v in
            let midi = Self.midiValue(v)
            switch entry {
            case .note(let channel):
                return .noteOn(channel: channel, note: midi, velocity: 127)
            case .control(let channel, let controller, let range):
                return .controlChange(channel: channel, controller: controller, value: range.map { Self.squeeze(midi, into: $0) } ?? midi)
            }
        }
    }

    /// `ceil(v·127)` of the clipped value, IMPSY's rounding.
    static func midiValue(_ v: Float) -> Int {
        guard v.isFinite else { return 0 }
        return Int((Double(min(1, max(0, v))) * 127).rounded(.up))
    }

    /// IMPSY's `process_midi_min_max`, kept inside 0–127.
    static func squeeze(_ midi: Int, into range: ClosedRange<Int>) -> Int {
        let span = Double(range.upperBound - range.lowerBound)
        return min(127, max(0, Int((span * Double(midi) / 127).rounded(.up)) + range.lowerBound))
    }
}
