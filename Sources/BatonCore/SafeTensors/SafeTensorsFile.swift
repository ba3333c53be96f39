/// A parsed safetensors file (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length N, N bytes of JSON header, then raw tensor data.
///
/// Nothing in the header is trusted: the JSON is read strictly (no duplicate names, no
/// deep nesting), every shape × dtype product is computed with overflow checks and must
/// equal its byte span exactly, spans lie inside the data section and do not overlap.
/// The parser never reads past the bytes present.
public struct SafeTensorsFile: Sendable {
    /// Where one named tensor lies in the file and how to read it.
    public struct Tensor: Sendable, Equatable {
        /// How each element is stored.
        public var dtype: TensorDType
        /// The tensor's dimensions, outermost first.
        public var shape: [Int]
        /// Byte range inside the data section.
        public var byteRange: Range<Int>
        /// Checked when the header was parsed: equals `byteRange.count / dtype.byteCount`.
        public let elementCount: Int
    }

    /// The header's `__metadata__` strings (Baton keeps a model's architecture and provenance here).
    public var metadata: [String: String]
    /// Every tensor in the header, by name.
    public var tensors: [String: Tensor]
    /// Size of the whole file in bytes.
    public var byteCount: Int { bytes.count }
    private let bytes: [UInt8]
    private let dataStart: Int

    /// Header lengths beyond this are refused before anything is allocated for them.
    public static let maximumHeaderLength: UInt64 = 100_000_000
    /// A dimension of a tensor is at most this (PyTorch's own files stay far below).
    public static let maximumDimension = (1 << 31) - 1

    /// Parses and checks a whole file's bytes; throws on anything malformed, never traps.
    public init(bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .tooShort(byteCount: bytes.count) }
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard declared <= Self.maximumHeaderLength, declared <= UInt64(bytes.count - 8) else {
            throw .headerLengthOutOfRange(declared: declared, fileSize: bytes.count)
        }
        let headerEnd = 8 + Int(declared)
        let parsed: JSONValue
        do { parsed = try StrictJSON.parse(bytes[8..<headerEnd]) } catch { throw .headerNotJSON(error.reason) }
        guard case .object(let header) = parsed else { throw .headerNotJSON("top level is not an object") }

        let dataSize = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard case .object(let items) = value else { throw .badEntry(tensor: name, reason: "metadata is not an object") }
                for (key, item) in items {
                    guard case .string(let text) = item else { throw .badEntry(tensor: name, reason: "metadata '\(key.prefix(80))' is not a string") }
                    metadata[key] = text
                }
                continue
            }
            tensors[name] = try Self.parseEntry(name: name, value: value, dataSize: dataSize)
        }
        try Self.checkDisjoint(tensors)
        self.metadata = metadata
        self.tensors = tensors
        self.bytes = bytes
        self.dataStart = headerEnd
    }

    private static func parseEntry(name: String, value: JSONValue, dataSize: Int) throws(SafeTensorsError) -> Tensor {
        guard case .object(let members) = value else { throw .badEntry(tensor: name, reason: "is not an object") }
        func field(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        guard case .string(let dtypeName)? = field("dtype"), case .array(let shapeValues)? = field("shape"),
              case .array(let offsetValues)? = field("data_offsets"), offsetValues.count == 2
        else { throw .badEntry(tensor: name, reason: "needs dtype, shape and two data_offsets") }
        guard let dtype = TensorDType(rawValue: dtypeName) else { throw .unsupportedDType(tensor: name, dtype: dtypeName) }
        var shape: [Int] = []
        var elements = 1, overflow = false
        for item in shapeValues {
            guard case .integer(let n) = item, n >= 0, n <= maximumDimension else {
                throw .badEntry(tensor: name, reason: "shape is not a list of integers in 0…\(maximumDimension)")
            }
            shape.append(n)
            let (product, o) = elements.multipliedReportingOverflow(by: n)
            elements = product
            overflow = overflow || o
        }
        guard case .integer(let begin) = offsetValues[0], case .integer(let end) = offsetValues[1], begin >= 0, end >= begin else {
            throw .badEntry(tensor: name, reason: "data_offsets are not an increasing pair of integers")
        }
        guard end <= dataSize else { throw .dataOutOfRange(tensor: name, end: end, dataSize: dataSize) }
        let (byteCount, byteOverflow) = elements.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow, !byteOverflow, byteCount == end - begin else {
            let needs = overflow || byteOverflow ? "more than \(Int.max)" : String(byteCount)
            throw .badEntry(tensor: name, reason: "shape \(shape.prefix(8)) of \(dtype.rawValue) needs \(needs) bytes, data_offsets give \(end - begin)")
        }
        return Tensor(dtype: dtype, shape: shape, byteRange: begin..<end, elementCount: elements)
    }

    /// No two tensors may claim the same bytes (empty tensors claim none).
    private static func checkDisjoint(_ tensors: [String: Tensor]) throws(SafeTensorsError) {
        let spans = tensors.filter { !$0.value.byteRange.isEmpty }
            .sorted { ($0.value.byteRange.lowerBound, $0.key) < ($1.value.byteRange.lowerBound, $1.key) }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.value.byteRange.lowerBound < previous.value.byteRange.upperBound {
            throw .overlapping(tensor: previous.key, other: next.key)
        }
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
