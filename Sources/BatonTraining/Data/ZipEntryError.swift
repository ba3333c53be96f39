/// Why a zip entry was not read to the end.
public enum ZipEntryError: Error, Equatable, CustomStringConvertible {
    /// It inflated past the size its headers (zip or npy) declare, or past the reader's limit.
    case inflatesPast(limit: Int)
    case unreadable(String)

    public var description: String {
        switch self {
        case .inflatesPast(let limit): "inflates past \(limit) bytes, the size its headers declare (a damaged file or a zip bomb)"
        case .unreadable(let why): "cannot be decompressed (\(why.prefix(200)))"
        }
    }
}
