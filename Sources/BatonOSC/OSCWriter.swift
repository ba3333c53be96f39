/// Appends OSC 1.0 atomic data types to a byte buffer: big-endian numbers, NUL-padded
/// OSC-strings and size-prefixed OSC-blobs, everything 4-byte aligned.
struct OSCWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func append(_ value: UInt64) {
        append(UInt32(truncatingIfNeeded: value >> 32))
        append(UInt32(truncatingIfNeeded: value))
    }

    mutating func append(_ value: Int32) { append(UInt32(bitPattern: value)) }

    /// Appends an OSC-string: the UTF-8 bytes, a NUL, then NULs up to a multiple of 4
    /// (1–4 NULs in all). The wire format cannot carry a NUL inside a string, so the text
    /// is cut at its first NUL, as a C implementation would read it.
    mutating func appendString(_ text: String) {
        let utf8 = text.utf8
        let cut = utf8.firstIndex(of: 0) ?? utf8.endIndex
        bytes.append(contentsOf: utf8[utf8.startIndex..<cut])
        bytes.append(0)
        padToFour()
    }

    /// Appends an OSC-blob: int32 size, the bytes, then 0–3 zero bytes.
    /// Precondition: the blob is shorter than 2 GiB (the int32 size field's limit).
    mutating func appendBlob(_ blob: [UInt8]) {
        precondition(blob.count <= Int(Int32.max), "OSC blob of \(blob.count) bytes exceeds the int32 size field")
        append(Int32(blob.count))
        bytes.append(contentsOf: blob)
        padToFour()
    }

    /// Reserves a 4-byte size field and returns its position for `patchSize(at:)`.
    mutating func reserveSize() -> Int {
        let position = bytes.count
        append(UInt32(0))
        return position
    }

    /// Writes the number of bytes appended since `reserveSize()` into the field at `position`
    /// (an OSC Bundle Element's size, OSC 1.0 "OSC Bundles").
    mutating func patchSize(at position: Int) {
        let size = bytes.count - position - 4
        precondition(size <= Int(Int32.max), "OSC bundle element of \(size) bytes exceeds the int32 size field")
        let value = UInt32(size)
        bytes[position] = UInt8(truncatingIfNeeded: value >> 24)
        bytes[position + 1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[position + 2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[position + 3] = UInt8(truncatingIfNeeded: value)
    }

    private mutating func padToFour() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }
}
