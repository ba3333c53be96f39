import BatonCore

/// Why training or evaluation data cannot be used. Every case names the file or value.
public enum DataError: UserFacingError, Equatable {
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case tooShort(path: String, bytes: Int, needed: Int, what: String)
    case invalidValue(path: String, row: Int, column: Int, value: String)
    case dimensionMismatch(path: String, expected: Int, found: Int)
    case unsupported(path: String, reason: String, hint: String)

    public var message: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .empty(let path): "\(path) is empty"
        case .tooShort(let path, let bytes, let needed, let what):
            "\(path) is too short: \(what) has \(bytes), needs at least \(needed)"
        case .invalidValue(let path, let row, let column, let value):
            "\(path): row \(row), column \(column) holds \(value)"
        case .dimensionMismatch(let path, let expected, let found):
            "\(path) has \(found) values per event, the model expects \(expected)"
        case .unsupported(let path, let reason, _): "\(path): \(reason)"
        }
    }

    public var hint: String {
        switch self {
        case .unreadable: "check the path and its permissions"
        case .empty: "give a file with some text or events in it"
        case .tooShort: "use more data, or a shorter --window / smaller --batch"
        case .invalidValue: "remove or repair that row (NaN and infinity cannot be learned from)"
        case .dimensionMismatch: "train a model on data of this shape, or pick the model trained on it"
        case .unsupported(_, _, let hint): hint
        }
    }
}
