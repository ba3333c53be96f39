import Foundation

/// Why a `.npy` array cannot be read.
public enum NpyError: Error, Equatable, CustomStringConvertible {
    case notNpy(String)
    case pickled(descr: String)
    case unsupportedType(descr: String)
    case truncated(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .notNpy(let why): "not a .npy array (\(why))"
        case .pickled(let descr): "holds pickled Python objects (dtype \(descr))"
        case .unsupportedType(let descr): "has dtype \(descr); Baton reads floats, integers and booleans"
        case .truncated(let expected, let found): "data is truncated: \(found) of \(expected) bytes"
        }
    }
}

/// A NumPy `.npy` array (format 1.0–3.0): magic `\x93NUMPY`, version, a little-endian header
/// length, a Python dict literal (`descr`, `fortran_order`, `shape`), then raw data.
/// Values are decoded to Float (or Int for integer arrays) in C order.
public struct NpyArray: Equatable, Sendable {
    public var descr: String
    public var shape: [Int]
    /// Element values in C (row-major) order.
    public var values: [Double]

    public var count: Int { shape.reduce(1, *) }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    public init(descr: String, shape: [Int], values: [Double]) {
        self.descr = descr
        self.shape = shape
        self.values = values
    }

    public init(bytes: [UInt8]) throws(NpyError) {
        guard bytes.count >= 10, Array(bytes[0..<6]) == Self.magic else { throw .notNpy("no \\x93NUMPY magic") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw .notNpy("short version-\(major) preamble") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw .notNpy("format version \(major)")
        }
        guard headerStart + headerLength <= bytes.count else { throw .notNpy("header runs past the end") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let (descr, fortran, shape) = try Self.parseHeader(header)
        let dataStart = headerStart + headerLength
        guard let element = NpyElement(descr: descr) else {
            throw descr.contains("O") ? .pickled(descr: descr) : .unsupportedType(descr: descr)
        }
        let count = shape.reduce(1, *)
        let needed = count * element.size
        guard bytes.count - dataStart >= needed else { throw .truncated(expected: needed, found: bytes.count - dataStart) }
        var values = bytes.withUnsafeBytes { raw in
            (0..<count).map { element.decode(raw, at: dataStart + $0 * element.size) }
        }
        if fortran && shape.count == 2 {
            // Column-major on disk: transpose into C order.
            let (r, c) = (shape[0], shape[1])
            var transposed = values
            for i in 0..<r { for j in 0..<c { transposed[i * c + j] = values[j * r + i] } }
            values = transposed
        } else if fortran && shape.count > 2 {
            throw .unsupportedType(descr: "\(descr) in Fortran order with \(shape.count) dimensions")
        }
        self.init(descr: descr, shape: shape, values: values)
    }

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
    static func parseHeader(_ header: String) throws(NpyError) -> (String, Bool, [Int]) {
        func value(after key: String) -> Substring? {
            guard let range = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
            let rest = header[range.upperBound...].drop { $0 == " " || $0 == ":" }
            return rest
        }
        guard let d = value(after: "descr"), let quote = d.first, quote == "'" || quote == "\"",
              let end = d.dropFirst().firstIndex(of: quote) else { throw .notNpy("no descr in header") }
        let descr = String(d[d.index(after: d.startIndex)..<end])
        guard let f = value(after: "fortran_order") else { throw .notNpy("no fortran_order in header") }
        let fortran = f.hasPrefix("True")
        guard let s = value(after: "shape"), s.first == "(", let close = s.firstIndex(of: ")") else {
            throw .notNpy("no shape in header")
        }
        var shape: [Int] = []
        for part in s[s.index(after: s.startIndex)..<close].split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let n = Int(trimmed), n >= 0 else { throw .notNpy("shape entry '\(trimmed)'") }
            shape.append(n)
        }
        return (descr, fortran, shape)
    }

    /// Encodes as a version-1.0 `.npy` (little-endian; `descr` must be a supported type).
    public func encoded() -> [UInt8] {
        guard let element = NpyElement(descr: descr) else { preconditionFailure("cannot encode descr \(descr)") }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var bytes = Self.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        bytes.reserveCapacity(bytes.count + values.count * element.size)
        for v in values { element.encode(v, into: &bytes) }
        return bytes
    }
}

/// One NumPy scalar type.
struct NpyElement {
    enum Kind { case float, signed, unsigned, bool }
    let kind: Kind
    let size: Int
    let bigEndian: Bool

    init?(descr: String) {
        guard descr.count >= 3, let order = descr.first, "<>|=".contains(order),
              let size = Int(descr.dropFirst(2)) else { return nil }
        switch (descr.dropFirst().first, size) {
        case ("f", 2), ("f", 4), ("f", 8): kind = .float
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
        case ("b", 1): kind = .bool
        default: return nil
        }
        self.size = size
        bigEndian = order == ">"
    }

    func decode(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Double {
        var bits: UInt64 = 0
        for i in 0..<size {
            let byte = UInt64(raw[offset + (bigEndian ? size - 1 - i : i)])
            bits |= byte << (8 * UInt64(i))
        }
        switch kind {
        case .bool, .unsigned: return Double(bits)
        case .signed:
            let shift = UInt64(64 - 8 * size)
            return Double(Int64(bitPattern: bits << shift) >> Int64(shift))
        case .float:
            switch size {
            case 2: return Double(Float16(bitPattern: UInt16(bits)))
            case 4: return Double(Float(bitPattern: UInt32(bits)))
            default: return Double(bitPattern: bits)
            }
        }
    }

    func encode(_ value: Double, into bytes: inout [UInt8]) {
        let bits: UInt64
        switch (kind, size) {
        case (.float, 2): bits = UInt64(Float16(value).bitPattern)
        case (.float, 4): bits = UInt64(Float(value).bitPattern)
        case (.float, _): bits = value.bitPattern
        default: bits = UInt64(bitPattern: Int64(value))
        }
        for i in 0..<size { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
    }
}
