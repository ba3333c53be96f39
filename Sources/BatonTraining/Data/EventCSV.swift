import BatonCore
import Foundation

/// Plain CSV of events: a header row naming the columns, then one event per row (for
/// control data dt first, in seconds). The file is one sequence.
public enum EventCSV {
    public static func read(path: String) throws(DataError) -> (columns: [String], events: SequenceSet) {
        let bytes: [UInt8]
        do { bytes = try readFileBytes(path) } catch { throw .unreadable(path: path, reason: error.reason) }
        let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let header = lines.first else { throw .empty(path: path) }
        let columns = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if columns.allSatisfy({ Double($0) != nil }) {
            throw .unsupported(path: path, reason: "the first row is numbers, not a header", hint: "add a header row naming the columns, e.g. dt,x,y")
        }
        var values: [Float] = []
        for (i, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == columns.count else {
                throw .invalidValue(path: path, row: i + 2, column: min(fields.count, columns.count), value: "\(fields.count) fields, header has \(columns.count)")
            }
            for (j, field) in fields.enumerated() {
                guard let v = Float(field), v.isFinite else { throw .invalidValue(path: path, row: i + 2, column: j + 1, value: "'\(field)'") }
                values.append(v)
            }
        }
        guard !values.isEmpty else { throw .empty(path: path) }
        return (columns, SequenceSet(dims: columns.count, values: values, offsets: [0, values.count / columns.count]))
    }
}

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
        let bytes: [UInt8]
        do { bytes = try readFileBytes(path) } catch { throw .unreadable(path: path, reason: error.reason) }
        var rows: [Row] = []
        for (i, line) in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 3 else { throw .invalidValue(path: path, row: i + 1, column: fields.count, value: "'\(line)' (need timestamp, source, values)") }
            guard let time = parseTimestamp(fields[0]) else { throw .invalidValue(path: path, row: i + 1, column: 1, value: "timestamp '\(fields[0])'") }
            var values: [Float] = []
            for (j, field) in fields.dropFirst(2).enumerated() {
                guard let v = Float(field), v.isFinite else { throw .invalidValue(path: path, row: i + 1, column: j + 3, value: "'\(field)'") }
                values.append(v)
            }
            rows.append(Row(time: time, source: fields[1], values: values))
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
            guard rows.count >= 2 else { continue }
            let dims = rows[0].values.count + 1
            if set == nil { set = SequenceSet(dims: dims) }
            guard set!.dims == dims else { throw .dimensionMismatch(path: path, expected: set!.dims - 1, found: dims - 1) }
            var flat: [Float] = []
            for (k, row) in rows.enumerated() {
                guard row.values.count == dims - 1 else { throw .dimensionMismatch(path: path, expected: dims - 1, found: row.values.count) }
                let dt = k == 0 ? 0 : row.time - rows[k - 1].time
                guard dt >= 0 else { throw .invalidValue(path: path, row: k + 1, column: 1, value: "time goes backwards (dt = \(dt))") }
                flat.append(Float(dt))
                flat += row.values
            }
            set!.append(sequence: flat)
            used += 1
        }
        guard let set else {
            throw .unsupported(path: folder, reason: "no session has two or more '\(source)' events", hint: "play into `baton serve` to record some")
        }
        return (set, used)
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
