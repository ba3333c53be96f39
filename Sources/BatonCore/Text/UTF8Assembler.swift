/// Reassembles characters from bytes that arrive one step at a time. A model emits UTF-8
/// bytes, so an accented letter or a curly quote spans two or three steps; rendering must
/// wait for the whole character. Invalid sequences become U+FFFD, never a crash.
public struct UTF8Assembler: Sendable {
    private var pending: [UInt8] = []
    private var expected = 0

    /// An assembler between characters.
    public init() {}

    /// Adds one byte; returns the text completed by it (empty while a character is open).
    public mutating func push(_ byte: UInt8) -> String {
        if expected == 0 {
            switch byte {
            case 0x00..<0x80: return String(decoding: [byte], as: UTF8.self)
            case 0xC2..<0xE0: expected = 2
            case 0xE0..<0xF0: expected = 3
            case 0xF0..<0xF5: expected = 4
            default: return "\u{FFFD}"
            }
            pending = [byte]
            return ""
        }
        guard byte & 0xC0 == 0x80 else {
            // The open character was cut short: replace it, then read this byte afresh.
            pending.removeAll(keepingCapacity: true)
            expected = 0
            return "\u{FFFD}" + push(byte)
        }
        pending.append(byte)
        guard pending.count == expected else { return "" }
        expected = 0
        defer { pending.removeAll(keepingCapacity: true) }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Text of an unfinished character at the end of a stream.
    public mutating func flush() -> String {
        guard !pending.isEmpty else { return "" }
        pending.removeAll(keepingCapacity: true)
        expected = 0
        return "\u{FFFD}"
    }
}
