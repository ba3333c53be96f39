import Foundation
import Synchronization

/// A CSV log of one performance session, IMPS style: one line per event,
/// `ISO-8601 timestamp, source, x1, …, xn`, source `interface` (the performer) or `rnn`
/// (the model). Each line is one `write(2)` on an O_APPEND file, so a crash or `kill -9`
/// loses at most the line in flight; `baton dataset` reads the folder back.
///
/// The IMPSY format (`--log-format impsy`) is the same lines as IMPSY writes them: local
/// time without a zone, values as short decimals, in `DATE-{n}d-mdrnn.log`, so IMPSY's own
/// `dataset` command reads Baton's sessions.
public final class SessionLog: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, impsy
    }
    /// How sessions are logged: the format, and whether the model's events are kept
    /// (IMPSY's `log_predictions`; only the performer's rows become training data either way).
    public struct Style: Sendable, Equatable {
        public var format: Format
        public var predictions: Bool

        public init(format: Format = .csv, predictions: Bool = true) {
            self.format = format
            self.predictions = predictions
        }
    }

    public let path: String
    public let style: Style
    private let descriptor: Mutex<Int32>

    /// Creates `folder` if needed and opens a new log named by the start time, the event
    /// width and the model, e.g. `2026-11-24T10-15-02Z-4d-impsy.csv` (IMPSY:
    /// `2026-11-24T11-15-02-4d-mdrnn.log`, local time).
    public init(folder: String, dims: Int, modelName: String, style: Style = Style(), date: Date = Date()) throws(SessionLogError) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SessionLogError(path: folder, reason: "cannot create the folder")
        }
        let stem: String, ext: String
        switch style.format {
        case .csv:
            let safeName = modelName.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            stem = Self.timestamp(date).prefix(19).replacingOccurrences(of: ":", with: "-") + "Z-\(dims)d-\(String(safeName))"
            ext = "csv"
        case .impsy:
            stem = Self.localTimestamp(date).prefix(19).replacingOccurrences(of: ":", with: "-") + "-\(dims)d-mdrnn"
            ext = "log"
        }
        var path = (folder as NSString).appendingPathComponent("\(stem).\(ext)")
        var n = 1
        while FileManager.default.fileExists(atPath: path) {
            n += 1
            // IMPSY's dataset command keeps files ending in -{n}d-mdrnn.log: the count goes first.
            path = (folder as NSString).appendingPathComponent(style.format == .impsy ? "\(stem.dropLast("-\(dims)d-mdrnn".count))-\(n)-\(dims)d-mdrnn.log" : "\(stem)-\(n).\(ext)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw SessionLogError(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        self.style = style
        descriptor = Mutex(fd)
    }

    deinit { close() }

    /// Appends one event line.
    public func append(source: String, values: [Float], at date: Date = Date()) {
        if source == "rnn", !style.predictions { return }
        var line: String
        switch style.format {
        case .csv:
            line = Self.timestamp(date) + "," + source
            for v in values { line += "," + String(format: "%.6g", v) }
        case .impsy:
            line = Self.localTimestamp(date) + "," + source
            for v in values { line += "," + (v.isFinite ? "\(v)" : "nan") }
        }
        line += "\n"
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            _ = line.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        }
    }

    /// Flushes to disk and closes (graceful shutdown).
    public func close() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            fsync(fd)
            Foundation.close(fd)
            fd = -1
        }
    }

    /// `2026-11-24T10:15:02.123456Z` (UTC, microseconds).
    static func timestamp(_ date: Date) -> String { format(date, utc: true) }

    /// `2026-11-24T11:15:02.123456`: local time without a zone, as Python's
    /// `datetime.now().isoformat()` writes it in IMPSY's logs (microseconds left out when 0).
    static func localTimestamp(_ date: Date) -> String { format(date, utc: false) }

    static func format(_ date: Date, utc: Bool) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let micros = Int(((seconds - Double(whole)) * 1e6).rounded(.down))
        var parts = tm()
        if utc { gmtime_r(&whole, &parts) } else { localtime_r(&whole, &parts) }
        let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
        if utc { return base + String(format: ".%06dZ", micros) }
        return micros == 0 ? base : base + String(format: ".%06d", micros)
    }
}

public struct SessionLogError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write the session log \(path): \(reason)" }
}
