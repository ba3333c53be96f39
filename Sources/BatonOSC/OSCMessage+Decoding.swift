/// Reading an OSC Message (OSC 1.0, "OSC Messages" and "OSC Type Tag String").
extension OSCMessage {
    /// Reads one message that fills the reader to its end.
    ///
    /// - An address must start with `/`.
    /// - If the bytes end right after the address, the message has no arguments: OSC 1.0
    ///   asks receivers to be robust to "older implementations of OSC [that] may omit the
    ///   OSC Type Tag string".
    /// - If more bytes follow, they must start with the `,` of a type tag string; untyped
    ///   argument data cannot be interpreted and is refused.
    /// - Every type tag is checked before any argument is read, and the arguments must end
    ///   exactly where the message does.
    static func decode(from reader: inout OSCReader) throws(OSCDecodingError) -> OSCMessage {
        let start = reader.offset
        guard reader.peek() == UInt8(ascii: "/") else { throw .addressNotStartingWithSlash(offset: start) }
        let address = try reader.readString()
        if reader.isAtEnd { return OSCMessage(address) }

        let tagsOffset = reader.offset
        guard reader.peek() == UInt8(ascii: ",") else { throw .missingTypeTagString(offset: tagsOffset) }
        let tags = try reader.readStringBytes().dropFirst()
        for index in tags.indices where !OSCArgument.isKnownTypeTag(tags[index]) {
            throw .unknownTypeTag(Character(Unicode.Scalar(tags[index])), offset: index)
        }

        var arguments: [OSCArgument] = []
        arguments.reserveCapacity(tags.count)
        for index in tags.indices {
            arguments.append(try OSCArgument.read(tag: tags[index], tagOffset: index, from: &reader))
        }
        guard reader.isAtEnd else { throw .trailingBytes(offset: reader.offset) }
        return OSCMessage(address, arguments)
    }
}
