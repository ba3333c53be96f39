/// What is wrong with bytes that claim to be a safetensors file. Pure format reasons; the
/// model loader adds the path.
public enum SafeTensorsError: Error, Equatable, Sendable {
    /// Fewer than the 8 bytes that give the header's length.
    case tooShort(byteCount: Int)
    /// The declared header length is larger than the file or than `SafeTensorsFile.maximumHeaderLength`.
    case headerLengthOutOfRange(declared: UInt64, fileSize: Int)
    /// The header is not the strict JSON object the format requires.
    case headerNotJSON(String)
    /// A tensor's header entry is malformed or inconsistent (the reason says how).
    case badEntry(tensor: String, reason: String)
    /// A tensor is stored in a dtype Baton does not read (it reads F32, F16, BF16).
    case unsupportedDType(tensor: String, dtype: String)
    /// A tensor's bytes extend past the end of the data section.
    case dataOutOfRange(tensor: String, end: Int, dataSize: Int)
    /// Two tensors claim the same bytes.
    case overlapping(tensor: String, other: String)
}

extension SafeTensorsError: CustomStringConvertible {
    /// What is wrong with the bytes, in one line.
    public var description: String {
        switch self {
        case .tooShort(let n): "only \(n) bytes, less than the 8-byte header length"
        case .headerLengthOutOfRange(let declared, let size):
            "header length \(declared) does not fit in a file of \(size) bytes (truncated, or not safetensors)"
        case .headerNotJSON(let why): "header is not a JSON object (\(why))"
        case .badEntry(let name, let why): "tensor '\(name.prefix(80))': \(why)"
        case .unsupportedDType(let name, let dtype): "tensor '\(name.prefix(80))' has dtype \(dtype.prefix(20)); Baton reads F32, F16 and BF16"
        case .dataOutOfRange(let name, let end, let size):
            "tensor '\(name.prefix(80))' ends at byte \(end) of a \(size)-byte data section (truncated file)"
        case .overlapping(let name, let other):
            "tensors '\(name.prefix(80))' and '\(other.prefix(80))' share bytes (tampered or corrupt file)"
        }
    }
}
