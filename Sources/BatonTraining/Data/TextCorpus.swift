import BatonCore

/// A training text as UTF-8 bytes, the symbols every text model shares.
public struct TextCorpus: Sendable {
    public let path: String
    public let bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// The largest corpus `baton train text` reads (it is held in memory with its split).
    public static let maximumBytes = 2 << 30

    public static func load(path: String) throws(DataError) -> TextCorpus {
        let bytes: [UInt8]
        do { bytes = try readFileBytes(path, maximumBytes: maximumBytes) } catch { throw .unreadable(path: path, reason: error.reason) }
        guard !bytes.isEmpty else { throw .empty(path: path) }
        return TextCorpus(path: path, bytes: bytes)
    }

    /// Training head and held-out validation tail (the last `fraction` of the bytes).
    public func split(validationFraction fraction: Double) -> (train: [UInt8], validation: [UInt8]) {
        let cut = bytes.count - Int((Double(bytes.count) * fraction).rounded())
        return (Array(bytes[..<cut]), Array(bytes[cut...]))
    }
}
