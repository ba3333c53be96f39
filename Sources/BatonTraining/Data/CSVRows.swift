import BatonCore

/// The rows of a comma-separated text file, read at the byte level: lines end at LF (a CR
/// before it is dropped), blank lines are skipped, fields are trimmed of spaces and tabs.
///
/// Bounded: a file is at most `maximumFileBytes`, a line at most `maximumLineBytes` (a
/// "line" of a gigabyte is a damaged or hostile file, refused with its line number before
/// it is split), a row at most `maximumFields` fields.
enum CSVRows {
    static let maximumFileBytes = 1 << 30
    static let maximumLineBytes = 64 << 10
    static let maximumFields = 1024

    /// Reads `path` within the file limit.
    static func read(path: String) throws(DataError) -> [UInt8] {
        do { return try readFileBytes(path, maximumBytes: maximumFileBytes) } catch { throw .unreadable(path: path, reason: error.reason) }
    }

    /// Calls `body(line, fields)` for every non-blank line, `line` counting from 1.
    static func forEach(in bytes: [UInt8], path: String, _ body: (Int, [Substring]) throws(DataError) -> Void) throws(DataError) {
        var start = 0, line = 0
        while start < bytes.count {
            line += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            guard end - start <= maximumLineBytes else {
                throw .invalidValue(path: path, row: line, column: 1, value: "a line of \(end - start) bytes (at most \(maximumLineBytes))")
            }
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            start = next
            if text.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = text.split(separator: ",", maxSplits: maximumFields, omittingEmptySubsequences: false)
            guard fields.count <= maximumFields else {
                throw .invalidValue(path: path, row: line, column: maximumFields + 1, value: "more than \(maximumFields) fields")
            }
            try body(line, fields.map(trimmed))
        }
    }

    private static func trimmed(_ field: Substring) -> Substring {
        var s = field
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }

    /// A finite Float, or an `invalidValue` error naming the cell.
    static func finite(_ field: Substring, path: String, line: Int, column: Int) throws(DataError) -> Float {
        guard let v = Float(field), v.isFinite else {
            throw .invalidValue(path: path, row: line, column: column, value: "'\(field.prefix(40))'" + (Float(field) == nil ? "" : " (not finite in float32)"))
        }
        return v
    }
}
