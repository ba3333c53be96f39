/// Reading OSC Packets (OSC 1.0, "OSC Packets" and "OSC Bundles").
///
/// Decoding is strict and total: any byte sequence either decodes or throws an
/// `OSCDecodingError`; nothing is read past a declared length, every declared length is
/// checked against the bytes present before memory is allocated for it, and bundle
/// nesting is limited to `maximumNestingDepth`.
extension OSCPacket {
    /// Decodes one packet, which must fill `bytes` exactly.
    public static func decode(_ bytes: [UInt8]) throws(OSCDecodingError) -> OSCPacket {
        guard !bytes.isEmpty else { throw .emptyPacket }
        var reader = OSCReader(bytes)
        return try decodeElement(&reader, depth: 0)
    }

    /// Decodes one packet from any collection of bytes (`Data`, `ArraySlice`, a NIO
    /// buffer's readable bytes). The bytes are copied once into an array.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) throws(OSCDecodingError) -> OSCPacket
    where Bytes.Element == UInt8 {
        try decode(Array(bytes))
    }

    /// Decodes one packet from raw memory, e.g. a datagram buffer.
    public static func decode(_ buffer: UnsafeRawBufferPointer) throws(OSCDecodingError) -> OSCPacket {
        try decode(Array(buffer))
    }

    /// Decodes the message or bundle that fills `reader` (a packet or a bundle element).
    /// `depth` counts the bundles enclosing it.
    private static func decodeElement(_ reader: inout OSCReader, depth: Int) throws(OSCDecodingError) -> OSCPacket {
        guard reader.remaining % 4 == 0 else {
            throw .notAligned(length: reader.remaining, offset: reader.offset)
        }
        if reader.hasPrefix(OSCBundle.header) {
            guard depth < maximumNestingDepth else { throw .nestingTooDeep(offset: reader.offset) }
            return .bundle(try decodeBundle(&reader, depth: depth + 1))
        }
        return .message(try OSCMessage.decode(from: &reader))
    }

    /// Reads `#bundle`, the time tag and the elements. "The size of the element is an
    /// int32 ... always a multiple of 4" and it must fit in the rest of the bundle; a
    /// size of zero is refused too, since no message or bundle is empty.
    private static func decodeBundle(_ reader: inout OSCReader, depth: Int) throws(OSCDecodingError) -> OSCBundle {
        try reader.skip(OSCBundle.header.count)
        let timeTag = OSCTimeTag(rawValue: try reader.readUInt64())
        var elements: [OSCPacket] = []
        while !reader.isAtEnd {
            let sizeOffset = reader.offset
            let size = try reader.readInt32()
            guard size > 0, size % 4 == 0, Int(size) <= reader.remaining else {
                throw .badBundleElementSize(size, offset: sizeOffset)
            }
            var element = try reader.subReader(count: Int(size))
            elements.append(try decodeElement(&element, depth: depth))
        }
        return OSCBundle(timeTag: timeTag, elements: elements)
    }
}
