/// Reading and writing one argument's data (OSC 1.0, "Atomic Data Types" and
/// "OSC Type Tag String"). Tags with no data (`T F N I`) write and read nothing.
extension OSCArgument {
    /// Appends this argument's data (not its type tag) to `writer`.
    func write(to writer: inout OSCWriter) {
        switch self {
        case .int32(let value): writer.append(value)
        case .float32(let value): writer.append(value.bitPattern)
        case .string(let text), .symbol(let text): writer.appendString(text)
        case .blob(let bytes): writer.appendBlob(bytes)
        case .int64(let value): writer.append(UInt64(bitPattern: value))
        case .float64(let value): writer.append(value.bitPattern)
        case .timeTag(let tag): writer.append(tag.rawValue)
        case .character(let byte): writer.append(UInt32(byte))
        case .rgba(let value), .midi(let value): writer.append(value)
        case .boolean, .null, .impulse: break
        }
    }

    /// Whether `tag` is a type tag this codec can read.
    static func isKnownTypeTag(_ tag: UInt8) -> Bool {
        switch tag {
        case UInt8(ascii: "i"), UInt8(ascii: "f"), UInt8(ascii: "s"), UInt8(ascii: "b"),
            UInt8(ascii: "h"), UInt8(ascii: "d"), UInt8(ascii: "t"), UInt8(ascii: "S"),
            UInt8(ascii: "c"), UInt8(ascii: "r"), UInt8(ascii: "m"), UInt8(ascii: "T"),
            UInt8(ascii: "F"), UInt8(ascii: "N"), UInt8(ascii: "I"):
            return true
        default:
            return false
        }
    }

    /// Reads the data of an argument whose type tag is `tag` (which must satisfy
    /// `isKnownTypeTag`; `tagOffset` is where the tag sits, for the error).
    static func read(tag: UInt8, tagOffset: Int, from reader: inout OSCReader) throws(OSCDecodingError) -> OSCArgument {
        switch tag {
        case UInt8(ascii: "i"): return .int32(try reader.readInt32())
        case UInt8(ascii: "f"): return .float32(Float(bitPattern: try reader.readUInt32()))
        case UInt8(ascii: "s"): return .string(try reader.readString())
        case UInt8(ascii: "S"): return .symbol(try reader.readString())
        case UInt8(ascii: "b"): return .blob(try reader.readBlob())
        case UInt8(ascii: "h"): return .int64(Int64(bitPattern: try reader.readUInt64()))
        case UInt8(ascii: "d"): return .float64(Double(bitPattern: try reader.readUInt64()))
        case UInt8(ascii: "t"): return .timeTag(OSCTimeTag(rawValue: try reader.readUInt64()))
        case UInt8(ascii: "c"):
            let offset = reader.offset
            let value = try reader.readUInt32()
            guard value <= UInt32(UInt8.max) else { throw .invalidCharacter(value, offset: offset) }
            return .character(UInt8(value))
        case UInt8(ascii: "r"): return .rgba(try reader.readUInt32())
        case UInt8(ascii: "m"): return .midi(try reader.readUInt32())
        case UInt8(ascii: "T"): return .boolean(true)
        case UInt8(ascii: "F"): return .boolean(false)
        case UInt8(ascii: "N"): return .null
        case UInt8(ascii: "I"): return .impulse
        default: throw .unknownTypeTag(Character(Unicode.Scalar(tag)), offset: tagOffset)
        }
    }
}
