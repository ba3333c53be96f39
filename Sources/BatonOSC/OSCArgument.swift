/// One OSC Argument with its type (OSC 1.0, "OSC Type Tag String" and "Atomic Data Types").
///
/// The four standard types are `i`, `f`, `s`, `b`; the rest are the spec's "nonstandard
/// types", as liblo and python-osc implement them. Arrays (`[` `]`) are not supported:
/// a message carrying them fails to decode with `unknownTypeTag`, which OSC 1.0 allows
/// ("an OSC application should discard any message whose OSC Type Tag String contains
/// any unrecognized OSC Type Tags").
public enum OSCArgument: Equatable, Sendable {
    /// `i`: 32-bit big-endian two's complement integer.
    case int32(Int32)
    /// `f`: 32-bit big-endian IEEE 754 float.
    case float32(Float)
    /// `s`: OSC-string (NUL-terminated, padded to 4 bytes).
    case string(String)
    /// `b`: OSC-blob (int32 size, bytes, padding).
    case blob([UInt8])
    /// `h`: 64-bit big-endian two's complement integer.
    case int64(Int64)
    /// `d`: 64-bit big-endian IEEE 754 double.
    case float64(Double)
    /// `t`: OSC Time Tag.
    case timeTag(OSCTimeTag)
    /// `S`: alternate string type, for systems that tell symbols from strings.
    case symbol(String)
    /// `c`: an ASCII character, sent as 32 bits.
    case character(UInt8)
    /// `r`: 32-bit RGBA colour.
    case rgba(UInt32)
    /// `m`: 4-byte MIDI message; bytes from MSB to LSB are port id, status, data1, data2.
    case midi(UInt32)
    /// `T` (true) or `F` (false); no argument data.
    case boolean(Bool)
    /// `N`: nil; no argument data.
    case null
    /// `I`: infinitum (impulse, bang); no argument data.
    case impulse

    /// The character naming this argument's type in the OSC Type Tag String.
    public var typeTag: Character {
        Character(Unicode.Scalar(typeTagByte))
    }

    /// The ASCII byte of `typeTag`.
    var typeTagByte: UInt8 {
        switch self {
        case .int32: return UInt8(ascii: "i")
        case .float32: return UInt8(ascii: "f")
        case .string: return UInt8(ascii: "s")
        case .blob: return UInt8(ascii: "b")
        case .int64: return UInt8(ascii: "h")
        case .float64: return UInt8(ascii: "d")
        case .timeTag: return UInt8(ascii: "t")
        case .symbol: return UInt8(ascii: "S")
        case .character: return UInt8(ascii: "c")
        case .rgba: return UInt8(ascii: "r")
        case .midi: return UInt8(ascii: "m")
        case .boolean(let value): return value ? UInt8(ascii: "T") : UInt8(ascii: "F")
        case .null: return UInt8(ascii: "N")
        case .impulse: return UInt8(ascii: "I")
        }
    }
}

// MARK: - Lenient readers

extension OSCArgument {
    /// The argument as a number, whatever numeric type it arrived as: Pure Data sends every
    /// number as a float, other clients send ints. Booleans read as 1 and 0.
    /// Large 64-bit values lose precision; nil for non-numeric arguments.
    public var floatValue: Float? {
        switch self {
        case .float32(let value): return value
        case .float64(let value): return Float(value)
        case .int32(let value): return Float(value)
        case .int64(let value): return Float(value)
        case .boolean(let value): return value ? 1 : 0
        default: return nil
        }
    }

    /// The argument as an integer: ints as they are, finite floats rounded to the nearest
    /// integer (halves away from zero), booleans as 1 and 0. Nil for non-numeric arguments,
    /// NaN, infinities and values that do not fit in `Int`.
    public var intValue: Int? {
        switch self {
        case .int32(let value): return Int(value)
        case .int64(let value): return Int(exactly: value)
        case .float32(let value): return value.isFinite ? Int(exactly: value.rounded()) : nil
        case .float64(let value): return value.isFinite ? Int(exactly: value.rounded()) : nil
        case .boolean(let value): return value ? 1 : 0
        default: return nil
        }
    }

    /// The text of a string (`s`) or symbol (`S`) argument; nil otherwise.
    public var stringValue: String? {
        switch self {
        case .string(let text), .symbol(let text): return text
        default: return nil
        }
    }
}

extension OSCArgument: CustomStringConvertible {
    /// The value as text (blobs by size, time tags as NTP), for logs and error messages.
    public var description: String {
        switch self {
        case .int32(let value): return "\(value)"
        case .float32(let value): return "\(value)"
        case .string(let text): return "\"\(text)\""
        case .blob(let bytes): return "blob(\(bytes.count) bytes)"
        case .int64(let value): return "\(value)h"
        case .float64(let value): return "\(value)d"
        case .timeTag(let tag): return "time(\(tag))"
        case .symbol(let text): return "'\(text)"
        case .character(let byte): return "char(\(byte))"
        case .rgba(let value): return "rgba(0x\(String(value, radix: 16)))"
        case .midi(let value): return "midi(0x\(String(value, radix: 16)))"
        case .boolean(let value): return value ? "true" : "false"
        case .null: return "nil"
        case .impulse: return "impulse"
        }
    }
}
