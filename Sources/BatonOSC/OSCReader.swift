/// A bounds-checked cursor over the bytes of one OSC packet or bundle element.
///
/// `end` is the declared end of the element being read: nothing past it is ever touched,
/// and every declared length is checked against `remaining` before anything is allocated.
/// Offsets are absolute (from the start of the outermost packet) so errors can name them.
struct OSCReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    /// A reader over a whole packet.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    private init(bytes: [UInt8], offset: Int, end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
    }

    /// The number of bytes left before `end`.
    var remaining: Int { end - offset }

    var isAtEnd: Bool { offset >= end }

    /// The next byte, if any, without consuming it.
    func peek() -> UInt8? { offset < end ? bytes[offset] : nil }

    /// Whether the unread bytes begin with `prefix`.
    func hasPrefix(_ prefix: [UInt8]) -> Bool {
        guard remaining >= prefix.count else { return false }
        return bytes[offset..<offset + prefix.count].elementsEqual(prefix)
    }

    /// Consumes `count` bytes and returns a reader limited to them (a bundle element).
    mutating func subReader(count: Int) throws(OSCDecodingError) -> OSCReader {
        guard count >= 0, count <= remaining else { throw .truncated(offset: offset) }
        let sub = OSCReader(bytes: bytes, offset: offset, end: offset + count)
        offset += count
        return sub
    }

    /// Skips `count` bytes that have already been validated.
    mutating func skip(_ count: Int) throws(OSCDecodingError) {
        guard count >= 0, count <= remaining else { throw .truncated(offset: offset) }
        offset += count
    }

    // MARK: Fixed-size big-endian numbers (OSC 1.0, "Atomic Data Types")

    mutating func readUInt32() throws(OSCDecodingError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(offset: offset) }
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return value
    }

    mutating func readUInt64() throws(OSCDecodingError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(offset: offset) }
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return value
    }

    mutating func readInt32() throws(OSCDecodingError) -> Int32 {
        Int32(bitPattern: try readUInt32())
    }

    // MARK: Padded data

    /// Reads an OSC-string's bytes (without the NUL): "a sequence of non-null ASCII
    /// characters followed by a null, followed by 0-3 additional null characters to make
    /// the total number of bits a multiple of 32" (OSC 1.0, "OSC-string").
    mutating func readStringBytes() throws(OSCDecodingError) -> ArraySlice<UInt8> {
        let start = offset
        guard let nul = bytes[start..<end].firstIndex(of: 0) else { throw .truncated(offset: start) }
        let paddedEnd = start + Self.padded(nul - start + 1)
        guard paddedEnd <= end else { throw .truncated(offset: start) }
        try Self.checkZero(bytes, nul + 1..<paddedEnd)
        offset = paddedEnd
        return bytes[start..<nul]
    }

    /// Reads an OSC-string as UTF-8 text (ASCII in OSC 1.0; UTF-8 is accepted).
    mutating func readString() throws(OSCDecodingError) -> String {
        let start = offset
        let raw = try readStringBytes()
        guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidString(offset: start) }
        return text
    }

    /// Reads an OSC-blob: "An int32 size count, followed by that many 8-bit bytes of
    /// arbitrary binary data, followed by 0-3 additional zero bytes" (OSC 1.0, "OSC-blob").
    /// The declared size is checked against the bytes present before anything is copied.
    mutating func readBlob() throws(OSCDecodingError) -> [UInt8] {
        let sizeOffset = offset
        let size = try readInt32()
        guard size >= 0 else { throw .negativeBlobSize(size, offset: sizeOffset) }
        let count = Int(size)
        let padded = Self.padded(count)
        guard padded <= remaining else { throw .truncated(offset: sizeOffset) }
        let data = Array(bytes[offset..<offset + count])
        try Self.checkZero(bytes, offset + count..<offset + padded)
        offset += padded
        return data
    }

    /// `count` rounded up to the next multiple of 4.
    static func padded(_ count: Int) -> Int { (count + 3) & ~3 }

    private static func checkZero(_ bytes: [UInt8], _ range: Range<Int>) throws(OSCDecodingError) {
        if let bad = bytes[range].firstIndex(where: { $0 != 0 }) { throw .nonZeroPadding(offset: bad) }
    }
}
