/// A JSON value read by `StrictJSON`: objects keep their keys in file order, integers stay
/// exact (Foundation's reader silently keeps the last of two equal keys, turns 1.5 into 1
/// and 2⁶⁴−1 into −1, which a safetensors header must not be allowed to do).
enum JSONValue: Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// A number written without fraction or exponent that fits in an Int.
    case integer(Int)
    /// Any other number (kept as written, never needed as a value).
    case number(String)
    case bool(Bool)
    case null

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }
}
