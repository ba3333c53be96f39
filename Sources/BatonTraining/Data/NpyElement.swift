/// One NumPy scalar type, from a `descr` such as `<f4`, `>i2`, `|u1` or `|b1`.
public struct NpyElement: Equatable, Sendable {
    public enum Kind: Sendable { case float, signed, unsigned, bool }
    public let kind: Kind
    /// Bytes per element: 1, 2, 4 or 8.
    public let size: Int
    public let bigEndian: Bool

    public init?(descr: String) {
        let chars = Array(descr.utf8)
        guard chars.count >= 3, chars.count <= 4, "<>|=".utf8.contains(chars[0]),
              let size = Int(String(decoding: chars[2...], as: UTF8.self)) else { return nil }
        switch (chars[1], size) {
        case (UInt8(ascii: "f"), 2), (UInt8(ascii: "f"), 4), (UInt8(ascii: "f"), 8): kind = .float
        case (UInt8(ascii: "i"), 1), (UInt8(ascii: "i"), 2), (UInt8(ascii: "i"), 4), (UInt8(ascii: "i"), 8): kind = .signed
        case (UInt8(ascii: "u"), 1), (UInt8(ascii: "u"), 2), (UInt8(ascii: "u"), 4), (UInt8(ascii: "u"), 8): kind = .unsigned
        case (UInt8(ascii: "b"), 1): kind = .bool
        default: return nil
        }
        self.size = size
        bigEndian = chars[0] == UInt8(ascii: ">")
    }

    /// The raw bits of element `i` as an unsigned integer (byte order resolved).
    @inline(__always)
    func bits(_ raw: UnsafeRawBufferPointer, _ i: Int) -> UInt64 {
        let offset = i &* size
        switch size {
        case 1: return UInt64(raw[offset])
        case 2:
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
            return UInt64(bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v))
        case 4:
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            return UInt64(bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
        default:
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
        }
    }

    /// Element `i` as a Float (integers round to the nearest Float, as NumPy's astype does).
    @inline(__always)
    func float(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Float {
        let b = bits(raw, i)
        switch kind {
        case .bool, .unsigned: return Float(b)
        case .signed: return Float(signExtended(b))
        case .float:
            switch size {
            case 2: return Float(Float16(bitPattern: UInt16(truncatingIfNeeded: b)))
            case 4: return Float(bitPattern: UInt32(truncatingIfNeeded: b))
            default: return Float(Double(bitPattern: b))
            }
        }
    }

    /// Element `i` as an exact Int, or nil when it is not a whole number an Int can hold.
    @inline(__always)
    func integer(_ raw: UnsafeRawBufferPointer, _ i: Int) -> Int? {
        let b = bits(raw, i)
        switch kind {
        case .bool, .unsigned: return Int(exactly: b)
        case .signed: return Int(signExtended(b))
        case .float:
            switch size {
            case 2: return Int(exactly: Float16(bitPattern: UInt16(truncatingIfNeeded: b)))
            case 4: return Int(exactly: Float(bitPattern: UInt32(truncatingIfNeeded: b)))
            default: return Int(exactly: Double(bitPattern: b))
            }
        }
    }

    private func signExtended(_ b: UInt64) -> Int64 {
        let shift = UInt64(64 - 8 * size)
        return Int64(bitPattern: b << shift) >> Int64(shift)
    }
}
