import Foundation

/// Builds safetensors bytes from named Float32 tensors, each stored in a chosen dtype.
public struct SafeTensorsWriter {
    /// One tensor waiting to be written.
    public struct Entry {
        /// The tensor's name in the header.
        public var name: String
        /// Its dimensions, outermost first; their product is `values.count`.
        public var shape: [Int]
        /// Its values, row-major.
        public var values: [Float]
        /// How it is stored in the file (narrowed from Float32 when F16 or BF16).
        public var dtype: TensorDType

        /// A tensor whose shape must hold exactly `values.count` values.
        public init(name: String, shape: [Int], values: [Float], dtype: TensorDType) {
            precondition(shape.reduce(1, *) == values.count, "tensor \(name): shape \(shape) holds \(shape.reduce(1, *)) values, got \(values.count)")
            self.name = name
            self.shape = shape
            self.values = values
            self.dtype = dtype
        }
    }

    /// The tensors, in the order they are written.
    public var entries: [Entry] = []
    /// Strings written as the header's `__metadata__`.
    public var metadata: [String: String] = [:]

    /// An empty file with this metadata.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Appends a tensor.
    public mutating func add(_ name: String, shape: [Int], values: [Float], dtype: TensorDType) {
        entries.append(Entry(name: name, shape: shape, values: values, dtype: dtype))
    }

    /// The file's bytes: header length, JSON header padded with spaces to 8 bytes, data.
    public func encode() -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var data: [UInt8] = []
        for entry in entries {
            let encoded = entry.dtype.encode(entry.values)
            header[entry.name] = [
                "dtype": entry.dtype.rawValue,
                "shape": entry.shape,
                "data_offsets": [data.count, data.count + encoded.count],
            ] as [String: Any]
            data.append(contentsOf: encoded)
        }
        // Sorted keys keep files byte-identical for identical content.
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])).map { [UInt8]($0) } ?? []
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count + data.count)
        let length = UInt64(json.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        bytes.append(contentsOf: json)
        bytes.append(contentsOf: data)
        return bytes
    }
}
