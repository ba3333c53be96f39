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

        var literal = NpyDictLiteral(bytes[(b + headerStart)..<(b + dataStart)])
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
