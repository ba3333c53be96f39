/// The preamble of a NumPy `.npy` file (format 1.0–3.0): magic `\x93NUMPY`, version, a
/// little-endian header length, then a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
///
/// Parsed before any data is read, so a caller streaming an archive entry knows how many
/// bytes the array may take (and refuses more) before inflating it.
public struct NpyHeader: Equatable, Sendable {
    public var descr: String
    public var element: NpyElement
    public var fortranOrder: Bool
    public var shape: [Int]
    /// Elements: the product of `shape`, computed with overflow checks.
    public var count: Int
    /// Offset of the first data byte, and the data's size in bytes.
    public var dataStart: Int
    public var dataBytes: Int

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// NumPy itself refuses headers beyond 10,000 bytes unless told otherwise.
    public static let maximumHeaderLength = 65_536

    /// Parses the preamble at the start of `bytes`. Returns nil when `bytes` is too short to
    /// tell yet (a stream still arriving); throws when it can never be a usable array, or
    /// when its data would exceed `maximumDataBytes`.
    public static func parse(_ bytes: ArraySlice<UInt8>, maximumDataBytes: Int) throws(NpyError) -> NpyHeader? {
        let b = bytes.startIndex
        let available = bytes.count
        if available < 8 {
            guard Array(bytes.prefix(6)) == Array(magic.prefix(min(6, available))) else { throw .notNpy("no \\x93NUMPY magic") }
            return nil
        }
        guard Array(bytes[b..<(b + 6)]) == magic else { throw .notNpy("no \\x93NUMPY magic") }
        let major = bytes[b + 6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw .notNpy("format version \(major)")
        }
        let headerStart = 8 + lengthBytes
        guard available >= headerStart else { return nil }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[b + 8 + i]) << (8 * i) }
        guard headerLength <= maximumHeaderLength else { throw .notNpy("header of \(headerLength) bytes (at most \(maximumHeaderLength))") }
        let dataStart = headerStart + headerLength
        guard available >= dataStart else { return nil }

        var literal = DictLiteral(bytes[(b + headerStart)..<(b + dataStart)])
        let fields = try literal.parse()
        guard case .text(let descr)? = fields["descr"] else {
            if case .other? = fields["descr"] { throw .unsupportedType(descr: "a structured dtype") }
            throw .notNpy("no descr in header")
        }
        guard case .flag(let fortran)? = fields["fortran_order"] else { throw .notNpy("no fortran_order in header") }
        guard case .tuple(let shape)? = fields["shape"] else { throw .notNpy("no shape in header") }
        guard let element = NpyElement(descr: descr) else {
            throw descr.contains("O") ? .pickled(descr: descr) : .unsupportedType(descr: descr)
        }
        if fortran && shape.count > 2 { throw .unsupportedType(descr: "\(descr) in Fortran order with \(shape.count) dimensions") }
        var count = 1, overflow = false
        for n in shape {
            let (product, o) = count.multipliedReportingOverflow(by: n)
            count = product
            overflow = overflow || o
        }
        let (dataBytes, o) = count.multipliedReportingOverflow(by: element.size)
        guard !overflow, !o, dataBytes <= maximumDataBytes else {
            throw .tooLarge(bytes: overflow || o ? "more than \(Int.max)" : String(dataBytes), limit: maximumDataBytes)
        }
        return NpyHeader(descr: descr, element: element, fortranOrder: fortran, shape: shape, count: count,
                         dataStart: dataStart, dataBytes: dataBytes)
    }
}

/// Reads the small Python dict literal of an `.npy` header: quoted keys, values that are
/// strings, `True`/`False` or tuples of non-negative integers (anything else is `.other`).
struct DictLiteral {
    enum Value: Equatable { case text(String), flag(Bool), tuple([Int]), other }

    private let bytes: ArraySlice<UInt8>
    private var i: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        i = bytes.startIndex
    }

    private mutating func skipSpace() {
        while i < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    private mutating func take(_ c: Character) -> Bool {
        skipSpace()
        guard i < bytes.endIndex, bytes[i] == c.asciiValue else { return false }
        i += 1
        return true
    }

    mutating func parse() throws(NpyError) -> [String: Value] {
        guard take("{") else { throw .notNpy("header is not a dict literal") }
        var fields: [String: Value] = [:]
        while !take("}") {
            guard let key = quoted() else { throw .notNpy("header key is not a quoted string") }
            guard take(":") else { throw .notNpy("header has no ':' after '\(key.prefix(20))'") }
            guard fields.updateValue(try value(), forKey: key) == nil else { throw .notNpy("header repeats '\(key.prefix(20))'") }
            if !take(",") {
                guard take("}") else { throw .notNpy("header dict is not closed") }
                break
            }
        }
        return fields
    }

    private mutating func quoted() -> String? {
        skipSpace()
        guard i < bytes.endIndex, bytes[i] == 0x27 || bytes[i] == 0x22 else { return nil }
        let quote = bytes[i]
        i += 1
        let start = i
        while i < bytes.endIndex, bytes[i] != quote { i += 1 }
        guard i < bytes.endIndex else { return nil }
        defer { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func value() throws(NpyError) -> Value {
        skipSpace()
        guard i < bytes.endIndex else { throw .notNpy("header ends inside a value") }
        if let text = quoted() { return .text(text) }
        if matchWord("True") { return .flag(true) }
        if matchWord("False") { return .flag(false) }
        if take("(") {
            var shape: [Int] = []
            while !take(")") {
                skipSpace()
                let start = i
                while i < bytes.endIndex, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
                guard i > start, i - start <= 18, let n = Int(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                    throw .notNpy("shape entry is not a non-negative integer")
                }
                _ = take("L")  // Python 2 longs
                shape.append(n)
                if !take(",") {
                    guard take(")") else { throw .notNpy("shape tuple is not closed") }
                    break
                }
            }
            return .tuple(shape)
        }
        // Anything else (a structured dtype's list, a nested dict): skip to the next top-level comma.
        var depth = 0
        while i < bytes.endIndex {
            switch bytes[i] {
            case UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: ")"): depth -= 1
            case UInt8(ascii: "}"):
                if depth == 0 { return .other }
                depth -= 1
            case UInt8(ascii: ","): if depth == 0 { return .other }
            default: break
            }
            i += 1
        }
        throw .notNpy("header ends inside a value")
    }

    private mutating func matchWord(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard bytes.endIndex - i >= w.count, Array(bytes[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }
}
