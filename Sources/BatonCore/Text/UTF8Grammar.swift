/// Which byte may come next in well-formed UTF-8 (RFC 3629, table 3-7 of the Unicode
/// standard). Byte-level models, and above all ensembles that pool several of them, can
/// put probability on a byte that would break the character being written (a
/// continuation byte with no lead, a lead byte in the middle of a character): sampling
/// through this grammar keeps generated text valid UTF-8.
public struct UTF8Grammar: Sendable, Equatable {
    /// Continuation bytes still expected, and the range the next one must fall in.
    private var remaining = 0
    private var low: UInt8 = 0x80, high: UInt8 = 0xBF

    /// A grammar at the start of text, between characters.
    public init() {}

    /// Whether the grammar is between characters.
    public var isAtBoundary: Bool { remaining == 0 }

    /// Whether `byte` may come next.
    @inline(__always)
    public func allows(_ byte: UInt8) -> Bool {
        if remaining > 0 { return byte >= low && byte <= high }
        switch byte {
        case 0x00...0x7F, 0xC2...0xF4: return true
        default: return false
        }
    }

    /// Moves past `byte` (which should be allowed; anything else restarts at a boundary).
    public mutating func advance(_ byte: UInt8) {
        guard allows(byte) else { self = UTF8Grammar(); return }
        if remaining > 0 {
            remaining -= 1
            (low, high) = (0x80, 0xBF)
            return
        }
        switch byte {
        case 0xC2...0xDF: remaining = 1; (low, high) = (0x80, 0xBF)
        case 0xE0: remaining = 2; (low, high) = (0xA0, 0xBF)
        case 0xED: remaining = 2; (low, high) = (0x80, 0x9F)
        case 0xE1...0xEF: remaining = 2; (low, high) = (0x80, 0xBF)
        case 0xF0: remaining = 3; (low, high) = (0x90, 0xBF)
        case 0xF4: remaining = 3; (low, high) = (0x80, 0x8F)
        case 0xF1...0xF3: remaining = 3; (low, high) = (0x80, 0xBF)
        default: remaining = 0
        }
    }

    /// Zeroes the probability of every byte the grammar forbids and renormalises. When the
    /// allowed bytes had no probability at all, spreads it evenly over them instead.
    public func constrain(_ probabilities: UnsafeMutableBufferPointer<Float>) {
        precondition(probabilities.count == 256, "UTF8Grammar.constrain: \(probabilities.count) probabilities, expected 256")
        var total: Float = 0
        for b in 0..<256 {
            if allows(UInt8(b)) { total += probabilities[b] } else { probabilities[b] = 0 }
        }
        if total > 0 {
            let scale = 1 / total
            for b in 0..<256 { probabilities[b] *= scale }
        } else {
            let allowed = (0..<256).filter { allows(UInt8($0)) }
            for b in allowed { probabilities[b] = 1 / Float(allowed.count) }
        }
    }
}
