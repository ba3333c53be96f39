/// Why a byte sequence is not a well-formed OSC 1.0 packet.
///
/// Every case that points into the packet carries the byte `offset` (from the start of the
/// outermost packet) where the problem was found, so a server can log one line and drop
/// the packet. Decoding never traps: anything malformed ends in one of these cases.
public enum OSCDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The packet has no bytes at all.
    case emptyPacket
    /// A packet of `length` bytes starting at `offset` is not a multiple of 4 bytes long
    /// (OSC 1.0, "OSC Packets": "The size of an OSC packet is always a multiple of 4").
    case notAligned(length: Int, offset: Int)
    /// A value starting at `offset` needs more bytes than the packet (or the enclosing
    /// bundle element) holds, including an OSC-string with no terminating NUL.
    case truncated(offset: Int)
    /// The OSC-string starting at `offset` is not valid UTF-8.
    case invalidString(offset: Int)
    /// The padding byte at `offset` after an OSC-string or OSC-blob is not zero
    /// (OSC 1.0, "Atomic Data Types": padding is "additional null characters" / "zero bytes").
    case nonZeroPadding(offset: Int)
    /// The element at `offset` is neither an OSC Message (address starting with `/`) nor an
    /// OSC Bundle (starting with `#bundle`).
    case addressNotStartingWithSlash(offset: Int)
    /// Arguments follow the address at `offset`, but they do not start with the `,` of an
    /// OSC Type Tag String, so they cannot be interpreted.
    case missingTypeTagString(offset: Int)
    /// The type tag at `offset` is not one this codec understands. OSC 1.0 says a message
    /// with an unrecognised type tag should be discarded.
    case unknownTypeTag(Character, offset: Int)
    /// The OSC-blob whose size field is at `offset` declares a negative size.
    case negativeBlobSize(Int32, offset: Int)
    /// The `c` argument at `offset` does not hold a single byte (its top 24 bits are set).
    case invalidCharacter(UInt32, offset: Int)
    /// The bundle element size field at `offset` is not a positive multiple of 4 that fits
    /// in the rest of the bundle (OSC 1.0, "OSC Bundles").
    case badBundleElementSize(Int32, offset: Int)
    /// The bundle starting at `offset` is nested deeper than `OSCPacket.maximumNestingDepth`.
    case nestingTooDeep(offset: Int)
    /// A message ends before `offset`, but its packet or bundle element goes on.
    case trailingBytes(offset: Int)

    /// One line naming the problem and its byte offset, for a log.
    public var description: String {
        switch self {
        case .emptyPacket:
            return "empty OSC packet"
        case .notAligned(let length, let offset):
            return "OSC packet of \(length) bytes at byte \(offset) is not a multiple of 4 bytes long"
        case .truncated(let offset):
            return "OSC packet truncated: the value at byte \(offset) runs past the end"
        case .invalidString(let offset):
            return "OSC string at byte \(offset) is not valid UTF-8"
        case .nonZeroPadding(let offset):
            return "OSC padding byte at \(offset) is not zero"
        case .addressNotStartingWithSlash(let offset):
            return "OSC element at byte \(offset) starts with neither '/' (message) nor '#bundle'"
        case .missingTypeTagString(let offset):
            return "OSC arguments at byte \(offset) have no type tag string (expected ',')"
        case .unknownTypeTag(let tag, let offset):
            return "unknown OSC type tag '\(tag)' at byte \(offset)"
        case .negativeBlobSize(let size, let offset):
            return "OSC blob at byte \(offset) declares a negative size \(size)"
        case .invalidCharacter(let value, let offset):
            return "OSC character at byte \(offset) holds \(value), which is not a single byte"
        case .badBundleElementSize(let size, let offset):
            return "OSC bundle element size \(size) at byte \(offset) is not a positive multiple of 4 within the bundle"
        case .nestingTooDeep(let offset):
            return "OSC bundle at byte \(offset) is nested more than \(OSCPacket.maximumNestingDepth) deep"
        case .trailingBytes(let offset):
            return "OSC message ends at byte \(offset) but the packet goes on"
        }
    }
}
