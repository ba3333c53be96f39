import TOMLKit

/// Typed reads from TOMLKit tables that name the key and the file when the type is wrong,
/// and collect warnings as they go.
struct TOMLReader {
    let path: String
    var warnings: [String] = []

    init(path: String) { self.path = path }

    mutating func warn(_ text: String) { warnings.append(text) }

    func error(_ reason: String, hint: String) -> IMPSYConfigError {
        IMPSYConfigError(path: path, reason: reason, hint: hint)
    }

    private func name(_ key: String, _ section: String) -> String { section.isEmpty ? key : "\(section) \(key)" }

    func table(_ t: TOMLTable, _ key: String, in section: String) throws(IMPSYConfigError) -> TOMLTable? {
        guard let value = t[key] else { return nil }
        guard let table = value.table else { throw error("\(name(key, section)) must be a table, found \(value.type)", hint: "write it as [\(key)]") }
        return table
    }

    func string(_ t: TOMLTable, _ key: String, in section: String) throws(IMPSYConfigError) -> String? {
        guard let value = t[key] else { return nil }
        guard let s = value.string else { throw error("\(name(key, section)) must be a string, found \(value.type)", hint: "put it in quotes") }
        return s
    }

    func bool(_ t: TOMLTable, _ key: String, in section: String) throws(IMPSYConfigError) -> Bool? {
        guard let value = t[key] else { return nil }
        guard let b = value.bool else { throw error("\(name(key, section)) must be true or false, found \(value.type)", hint: "write true or false") }
        return b
    }

    func int(_ t: TOMLTable, _ key: String, in section: String) throws(IMPSYConfigError) -> Int? {
        guard let value = t[key] else { return nil }
        guard let i = value.int else { throw error("\(name(key, section)) must be a whole number, found \(value.type)", hint: "e.g. \(key) = 9") }
        return i
    }

    /// An int or a float (IMPSY's configs write `pitemp = 1` and `sigmatemp = 0.01` alike).
    func number(_ t: TOMLTable, _ key: String, in section: String, range: ClosedRange<Double>) throws(IMPSYConfigError) -> Double? {
        guard let value = t[key] else { return nil }
        guard let v = value.double ?? value.int.map(Double.init), v.isFinite else {
            throw error("\(name(key, section)) must be a number, found \(value.type)", hint: "e.g. \(key) = 1.0")
        }
        guard range.contains(v) else { throw error("\(name(key, section)) = \(v) is outside \(range.lowerBound)–\(range.upperBound)", hint: "pick a value in range") }
        return v
    }

    func strings(_ t: TOMLTable, _ key: String, in section: String) throws(IMPSYConfigError) -> [String]? {
        guard let value = t[key] else { return nil }
        guard let array = value.array else { throw error("\(name(key, section)) must be a list of names, found \(value.type)", hint: "e.g. \(key) = [\"S-1\"]") }
        var out: [String] = []
        for item in array {
            guard let s = item.string else { throw error("\(name(key, section)) holds \(item.type) \(item), not a name", hint: "put each name in quotes") }
            out.append(s)
        }
        return out
    }
}
