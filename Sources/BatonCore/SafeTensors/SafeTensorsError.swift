/// What is wrong with bytes that claim to be a safetensors file. Pure format reasons; the
/// model loader adds the path.
public enum SafeTensorsError: Error, Equatable, Sendable {
    case tooShort(byteCount: Int)
    case headerLengthOutOfRange(declared: UInt64, fileSize: Int)
    case headerNotJSON(String)
    case badEntry(tensor: String, reason: String)
    case unsupportedDType(tensor: String, dtype: String)
    case dataOutOfRange(tensor: String, end: Int, dataSize: Int)
    case overlapping(tensor: String, other: String)
}

extension SafeTensorsError: CustomStringConvertible {
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
