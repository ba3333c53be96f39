import Foundation

/// Builds safetensors bytes from named Float32 tensors, each stored in a chosen dtype.
public struct SafeTensorsWriter {
    public struct Entry {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
        public var dtype: TensorDType

        public init(name: String, shape: [Int], values: [Float], dtype: TensorDType) {
            precondition(shape.reduce(1, *) == values.count, "tensor \(name): shape \(shape) holds \(shape.reduce(1, *)) values, got \(values.count)")
            self.name = name
            self.shape = shape
            self.values = values
            self.dtype = dtype
        }
    }

    public var entries: [Entry] = []
    public var metadata: [String: String] = [:]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

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

/// Writes bytes to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over the target, so a reader (or a crash) never sees half a file.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
    var written = 0
    let ok: Bool = bytes.withUnsafeBytes { raw in
        while written < raw.count {
            let n = write(fd, raw.baseAddress! + written, raw.count - written)
            if n <= 0 { return false }
            written += n
        }
        return fsync(fd) == 0
    }
    let reason = ok ? "" : String(cString: strerror(errno))
    close(fd)
    guard ok else {
        unlink(temporary)
        throw FileWriteError(path: path, reason: reason)
    }
    guard rename(temporary, path) == 0 else {
        let why = String(cString: strerror(errno))
        unlink(temporary)
        throw FileWriteError(path: path, reason: why)
    }
}

public struct FileWriteError: Error, UserFacingError {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var message: String { "cannot write \(path): \(reason)" }
    public var hint: String { "check that the folder exists and is writable" }
}
