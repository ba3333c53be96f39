import BatonCore
import Foundation

/// IMPS interaction logs: one CSV file per session, no header, lines
/// `ISO-8601 timestamp, source, x1, …, xn` with source `interface` (the performer) or
/// `rnn` (the model). `dataset` keeps the performer's rows of each session and turns
/// timestamps into dt (seconds since the previous kept row; the first row's dt is 0).
public enum InteractionLogs {
    public struct Row: Equatable {
        public var time: Double
        public var source: String
        public var values: [Float]
    }

    public static func parse(path: String) throws(DataError) -> [Row] {
        try parse(CSVRows.read(path: path), path: path)
    }

    /// Parses log bytes; `path` names them in errors. Values are finite float32, at most
    /// `ArchitectureLimits.dims` − 1 per row.
    public static func parse(_ bytes: [UInt8], path: String) throws(DataError) -> [Row] {
        var rows: [Row] = []
        try CSVRows.forEach(in: bytes, path: path) { line, fields throws(DataError) in
            guard fields.count >= 3 else {
                throw .invalidValue(path: path, row: line, column: fields.count, value: "'\(fields.joined(separator: ",").prefix(80))' (need timestamp, source, values)")
            }
            guard fields.count - 2 < ArchitectureLimits.dims.upperBound else {
                throw .invalidValue(path: path, row: line, column: fields.count, value: "\(fields.count - 2) values (at most \(ArchitectureLimits.dims.upperBound - 1))")
            }
            guard let time = parseTimestamp(String(fields[0])) else {
                throw .invalidValue(path: path, row: line, column: 1, value: "timestamp '\(fields[0].prefix(40))'")
            }
            var values: [Float] = []
            for (j, field) in fields.dropFirst(2).enumerated() { values.append(try CSVRows.finite(field, path: path, line: line, column: j + 3)) }
            rows.append(Row(time: time, source: String(fields[1].prefix(64)), values: values))
        }
        return rows
    }

    /// The performer's events of every `*.csv` log in `folder` (sorted by name), one
    /// sequence per session: `(dt, x1, …, xn)`.
    public static func dataset(folder: String, source: String = "interface") throws(DataError) -> (events: SequenceSet, files: Int) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".log") }.sorted()
        } catch {
            throw .unreadable(path: folder, reason: "not a readable folder")
        }
        guard !names.isEmpty else { throw .unsupported(path: folder, reason: "holds no .csv or .log session files", hint: "point at the folder `baton serve --log-dir` writes") }
        var set: SequenceSet?
        var used = 0
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            let rows = try parse(path: path).filter { $0.source == source }
            guard let first = rows.first, rows.count >= 2 else { continue }
            let dims = first.values.count + 1
            var sessions = set ?? SequenceSet(dims: dims)
            guard sessions.dims == dims else { throw .dimensionMismatch(path: path, expected: sessions.dims - 1, found: dims - 1) }
            sessions.append(sequence: try events(rows, dims: dims, path: path))
            set = sessions
            used += 1
        }
        guard let set else {
            throw .unsupported(path: folder, reason: "no session has two or more '\(source)' events", hint: "play into `baton serve` to record some")
        }
        return (set, used)
    }

    /// One session's rows as flat `(dt, x1, …, xn)` events.
    public static func events(_ rows: [Row], dims: Int, path: String) throws(DataError) -> [Float] {
        var flat: [Float] = []
        flat.reserveCapacity(rows.count * dims)
        for (k, row) in rows.enumerated() {
            guard row.values.count == dims - 1 else { throw .dimensionMismatch(path: path, expected: dims - 1, found: row.values.count) }
            let dt = k == 0 ? 0 : row.time - rows[k - 1].time
            guard dt >= 0 else { throw .invalidValue(path: path, row: k + 1, column: 1, value: "time goes backwards (dt = \(dt))") }
            flat.append(Float(dt))
            flat += row.values
        }
        return flat
    }

    /// Seconds since 1970 for `YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]` (a space may
    /// replace the T). Only differences are used, so a missing zone is read as UTC.
    public static func parseTimestamp(_ text: String) -> Double? {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var n = 0
            for i in range { guard chars[i] >= 48 && chars[i] <= 57 else { return nil }; n = n * 10 + Int(chars[i] - 48) }
            return n
        }
        guard chars.count >= 19, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              chars[4] == 45, chars[7] == 45, chars[10] == 84 || chars[10] == 32, chars[13] == 58, chars[16] == 58,
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var fraction = 0.0, i = 19
        if i < chars.count && chars[i] == 46 {
            var scale = 0.1
            i += 1
            while i < chars.count, chars[i] >= 48 && chars[i] <= 57 { fraction += Double(chars[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var zone = 0
        if i < chars.count, chars[i] == 43 || chars[i] == 45, let zh = number((i + 1)..<(i + 3)), let zm = number((i + 4)..<(i + 6)) {
            zone = (chars[i] == 43 ? 1 : -1) * (zh * 3600 + zm * 60)
        }
        // Days from the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - zone) + fraction
    }
}
