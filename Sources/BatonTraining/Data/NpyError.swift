/// Why a `.npy` array cannot be read.
public enum NpyError: Error, Equatable, CustomStringConvertible {
    case notNpy(String)
    case pickled(descr: String)
    case unsupportedType(descr: String)
    case truncated(expected: Int, found: Int)
    case tooLarge(bytes: String, limit: Int)
    case notIntegers(String)

    public var description: String {
        switch self {
        case .notNpy(let why): "not a .npy array (\(why))"
        case .pickled(let descr): "holds pickled Python objects (dtype \(descr.prefix(40)))"
        case .unsupportedType(let descr): "has dtype \(descr.prefix(40)); Baton reads floats, integers and booleans"
        case .truncated(let expected, let found): "data is truncated: \(found) of \(expected) bytes"
        case .tooLarge(let bytes, let limit): "declares \(bytes) bytes of data, more than the \(limit) an array may have"
        case .notIntegers(let why): "should hold whole numbers: \(why)"
        }
    }
}
