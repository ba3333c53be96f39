/// Element types a model file may store. Computation is always Float32; these are storage.
public enum TensorDType: String, Sendable, CaseIterable {
    /// IEEE 754 single precision.
    case f32 = "F32"
    /// IEEE 754 half precision: half the file size, about three decimal digits.
    case f16 = "F16"
    /// bfloat16: Float32's range with 8 bits of mantissa.
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        }
    }

    /// Decodes `count` little-endian elements starting at `bytes` into Float32.
    public func decode(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        precondition(bytes.count >= count * byteCount, "decode: \(bytes.count) bytes for \(count) \(rawValue)")
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch self {
            case .f32:
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case .f16:
                for i in 0..<count {
                    let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Float(Float16(bitPattern: bits))
                }
            case .bf16:
                for i in 0..<count {
                    let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            }
            initialized = count
        }
    }

    /// Encodes Float32 values as little-endian bytes of this type (F16 and BF16 round to nearest even).
    public func encode(_ values: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * byteCount)
        bytes.withUnsafeMutableBytes { out in
            switch self {
            case .f32:
                for (i, v) in values.enumerated() {
                    out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
            case .f16:
                for (i, v) in values.enumerated() {
                    out.storeBytes(of: Float16(v).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            case .bf16:
                for (i, v) in values.enumerated() {
                    out.storeBytes(of: Self.bfloat16Bits(v).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            }
        }
        return bytes
    }

    /// Float32 → bfloat16 with round-to-nearest-even; NaN stays NaN.
    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let roundingBias = 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16((bits &+ roundingBias) >> 16)
    }
}
