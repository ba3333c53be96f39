/// A NumPy `.npy` array: its header and its data bytes exactly as stored.
///
/// The bytes are kept raw and decoded once, straight to what the caller needs: `floats()`
/// for data (Float32, the type training computes in) and `integers()` for lengths (exact).
/// No Double copy is ever made.
public struct NpyArray: Equatable, Sendable {
    public let header: NpyHeader
    /// `header.dataBytes` bytes, in the file's byte order and memory order.
    let payload: [UInt8]

    public var descr: String { header.descr }
    public var shape: [Int] { header.shape }
    public var count: Int { header.count }

    /// Arrays of more than this many bytes are refused (raise it here, and in docs/formats.md).
    public static let maximumDataBytes = 2 << 30

    /// Parses a whole `.npy` file.
    public init(bytes: [UInt8]) throws(NpyError) {
        guard let header = try NpyHeader.parse(bytes[...], maximumDataBytes: Self.maximumDataBytes) else {
            throw bytes.count < 6 ? .notNpy("only \(bytes.count) bytes") : .notNpy("the header runs past the end")
        }
        let found = bytes.count - header.dataStart
        guard found >= header.dataBytes else { throw .truncated(expected: header.dataBytes, found: found) }
        guard found == header.dataBytes else { throw .notNpy("\(found - header.dataBytes) bytes follow the array's data") }
        self.header = header
        payload = Array(bytes[header.dataStart...])
    }

    /// A little-endian float32 array (`<f4`), C order.
    public init(floats: [Float], shape: [Int]) {
        self.init(values: floats.count, shape: shape, descr: "<f4") { raw in
            for (i, v) in floats.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
    }

    /// A little-endian int32 array (`<i4`), C order.
    public init(int32 values: [Int32], shape: [Int]) {
        self.init(values: values.count, shape: shape, descr: "<i4") { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: 4 * i, as: Int32.self) }
        }
    }

    private init(values: Int, shape: [Int], descr: String, fill: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(shape.reduce(1, *) == values, "NpyArray: shape \(shape) holds \(shape.reduce(1, *)) values, got \(values)")
        guard let element = NpyElement(descr: descr) else { preconditionFailure("NpyArray: descr \(descr)") }
        header = NpyHeader(descr: descr, element: element, fortranOrder: false, shape: shape, count: values,
                           dataStart: 0, dataBytes: values * element.size)
        var bytes = [UInt8](repeating: 0, count: values * element.size)
        bytes.withUnsafeMutableBytes(fill)
        payload = bytes
    }

    /// The values as Float32 in C (row-major) order.
    public func floats() -> [Float] {
        let element = header.element, n = header.count
        return payload.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: n) { out, initialized in
                if header.fortranOrder && shape.count == 2 {
                    // Column-major on disk: element (i, j) is stored at j·rows + i.
                    let (rows, columns) = (shape[0], shape[1])
                    for i in 0..<rows { for j in 0..<columns { out[i * columns + j] = element.float(raw, j * rows + i) } }
                } else {
                    for i in 0..<n { out[i] = element.float(raw, i) }
                }
                initialized = n
            }
        }
    }

    /// The values as exact integers in C order (for lengths and counts). Float arrays are
    /// accepted when every value is a whole number.
    public func integers() throws(NpyError) -> [Int] {
        let element = header.element
        var result: [Int] = []
        result.reserveCapacity(header.count)
        var bad: Int?
        payload.withUnsafeBytes { raw in
            for i in 0..<header.count {
                guard let v = element.integer(raw, i) else { bad = i; return }
                result.append(v)
            }
        }
        if let bad { throw .notIntegers("value \(bad) is not a whole number an integer can hold") }
        if header.fortranOrder && shape.count == 2 {
            let (rows, columns) = (shape[0], shape[1])
            return (0..<(rows * columns)).map { k in result[(k % columns) * rows + k / columns] }
        }
        return result
    }

    /// Same type, order, shape and bytes (where the data started in a file does not matter).
    public static func == (a: NpyArray, b: NpyArray) -> Bool {
        a.descr == b.descr && a.header.fortranOrder == b.header.fortranOrder && a.shape == b.shape && a.payload == b.payload
    }

    /// Encodes as a version-1.0 `.npy`.
    public func encoded() -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let order = header.fortranOrder ? "True" : "False"
        var text = Array("{'descr': '\(descr)', 'fortran_order': \(order), 'shape': \(shapeText), }".utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        var bytes = NpyHeader.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
        bytes += payload
        return bytes
    }
}
