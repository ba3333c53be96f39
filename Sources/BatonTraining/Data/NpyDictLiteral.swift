/// Reads the small Python dict literal of an `.npy` header: quoted keys, values that are
/// strings, `True`/`False` or tuples of non-negative integers (anything else is `.other`).
struct NpyDictLiteral {
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
