import Foundation

/// What is wrong with bytes that claim to be a safetensors file. Pure format reasons; the
/// model loader adds the path.
public enum SafeTensorsError: Error, Equatable, Sendable {
    case tooShort(byteCount: Int)
    case headerLengthOutOfRange(declared: UInt64, fileSize: Int)
    case headerNotJSON(String)
    case badEntry(tensor: String, reason: String)
    case unsupportedDType(tensor: String, dtype: String)
    case dataOutOfRange(tensor: String, end: Int, dataSize: Int)
}

extension SafeTensorsError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .tooShort(let n): "only \(n) bytes, less than the 8-byte header length"
        case .headerLengthOutOfRange(let declared, let size):
            "header length \(declared) does not fit in a file of \(size) bytes (truncated, or not safetensors)"
        case .headerNotJSON(let why): "header is not a JSON object (\(why))"
        case .badEntry(let name, let why): "tensor '\(name)': \(why)"
        case .unsupportedDType(let name, let dtype): "tensor '\(name)' has dtype \(dtype); Baton reads F32, F16 and BF16"
        case .dataOutOfRange(let name, let end, let size):
            "tensor '\(name)' ends at byte \(end) of a \(size)-byte data section (truncated file)"
        }
    }
}

/// A parsed safetensors file (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length N, N bytes of JSON header, then raw tensor data.
///
/// The parser checks every declared offset and size against the bytes present; it never
/// reads past them.
public struct SafeTensorsFile: Sendable {
    public struct Tensor: Sendable, Equatable {
        public var dtype: TensorDType
        public var shape: [Int]
        /// Byte range inside the data section.
        public var byteRange: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public var metadata: [String: String]
    public var tensors: [String: Tensor]
    private let bytes: [UInt8]
    private let dataStart: Int

    /// Header lengths beyond this are refused before anything is allocated for them.
    public static let maximumHeaderLength: UInt64 = 100_000_000

    public init(bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .tooShort(byteCount: bytes.count) }
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard declared <= Self.maximumHeaderLength, declared <= UInt64(bytes.count - 8) else {
            throw .headerLengthOutOfRange(declared: declared, fileSize: bytes.count)
        }
        let headerEnd = 8 + Int(declared)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))
        } catch {
            throw .headerNotJSON("unparseable JSON")
        }
        guard let header = object as? [String: Any] else { throw .headerNotJSON("top level is not an object") }

        let dataSize = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else { throw .badEntry(tensor: name, reason: "metadata is not an object") }
                for (key, item) in dict {
                    guard let text = item as? String else { throw .badEntry(tensor: name, reason: "metadata '\(key)' is not a string") }
                    metadata[key] = text
                }
                continue
            }
            tensors[name] = try Self.parseEntry(name: name, value: value, dataSize: dataSize)
        }
        self.metadata = metadata
        self.tensors = tensors
        self.bytes = bytes
        self.dataStart = headerEnd
    }

    private static func parseEntry(name: String, value: Any, dataSize: Int) throws(SafeTensorsError) -> Tensor {
        guard let entry = value as? [String: Any],
              let dtypeName = entry["dtype"] as? String,
              let shapeValues = entry["shape"] as? [Any],
              let offsetValues = entry["data_offsets"] as? [Any], offsetValues.count == 2
        else { throw .badEntry(tensor: name, reason: "needs dtype, shape and two data_offsets") }
        guard let dtype = TensorDType(rawValue: dtypeName) else { throw .unsupportedDType(tensor: name, dtype: dtypeName) }
        var shape: [Int] = []
        for item in shapeValues {
            guard let n = (item as? NSNumber)?.intValue, n >= 0, n < 1 << 31 else {
                throw .badEntry(tensor: name, reason: "shape \(shapeValues) is not a list of non-negative integers")
            }
            shape.append(n)
        }
        guard let begin = (offsetValues[0] as? NSNumber)?.intValue, let end = (offsetValues[1] as? NSNumber)?.intValue,
              begin >= 0, end >= begin
        else { throw .badEntry(tensor: name, reason: "data_offsets \(offsetValues) are not an increasing pair") }
        guard end <= dataSize else { throw .dataOutOfRange(tensor: name, end: end, dataSize: dataSize) }
        let (elements, overflow) = shape.reduce((1, false)) { acc, n in
            let (product, o) = acc.0.multipliedReportingOverflow(by: n)
            return (product, acc.1 || o)
        }
        guard !overflow, elements * dtype.byteCount == end - begin else {
            throw .badEntry(tensor: name, reason: "shape \(shape) of \(dtype.rawValue) needs \(elements * dtype.byteCount) bytes, offsets give \(end - begin)")
        }
        return Tensor(dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// The named tensor's values as Float32, or nil when the file has no such tensor.
    public func floats(_ name: String) -> [Float]? {
        guard let tensor = tensors[name] else { return nil }
        return bytes.withUnsafeBytes { raw in
            let slice = UnsafeRawBufferPointer(rebasing: raw[(dataStart + tensor.byteRange.lowerBound)..<(dataStart + tensor.byteRange.upperBound)])
            return tensor.dtype.decode(slice, count: tensor.elementCount)
        }
    }
}
