import BatonCore
import Foundation

/// A log of one performance session, IMPS style: one line per event,
/// `ISO-8601 timestamp, source, x1, …, xn`, source `interface` (the performer) or `rnn`
/// (the model). The file is created with the first event (a server that nobody played
/// leaves no empty log), named by that event's time, the event width and the model, e.g.
/// `2026-11-24T10-15-02Z-4d-impsy.csv`. Each line is one `write(2)` on an O_APPEND file,
/// so a crash or `kill -9` loses at most the line in flight; `baton dataset` reads the
/// folder back.
///
/// The IMPSY format (`--log-format impsy`) writes the lines as IMPSY does: local time
/// without a zone, values as short decimals, in `DATE-{n}d-mdrnn.log`, so IMPSY's own
/// `dataset` command reads Baton's sessions.
public final class SessionLog: Sendable {
    /// The line format of a session log.
    public enum Format: String, Sendable, CaseIterable {
        /// `csv`: Baton's own, UTC timestamps; `impsy`: IMPSY's `.log` lines, which its `dataset` command reads.
        case csv, impsy
    }
    /// How sessions are logged: the format, and whether the model's events are kept
    /// (IMPSY's `log_predictions`; only the performer's rows become training data either way).
    public struct Style: Sendable, Equatable {
        /// The line format.
        public var format: Format
        /// Whether the model's events are written beside the performer's.
        public var predictions: Bool

        /// Baton's CSV with predictions, unless told otherwise.
        public init(format: Format = .csv, predictions: Bool = true) {
            self.format = format
            self.predictions = predictions
        }
    }

    /// The folder the log file is created in.
    public let folder: String
    /// The format and what is written.
    public let style: Style
    let dims: Int
    let modelName: String
    private struct File {
        var path: String?
        var descriptor: Int32 = -1
        var closed = false
        var failed = false
    }
    private let file = Locked(File())

    /// Creates `folder` if needed and checks that it can be written; the file itself waits
    /// for the first event.
    public init(folder: String, dims: Int, modelName: String, style: Style = Style()) throws(SessionLogError) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SessionLogError(path: folder, reason: "cannot create the folder")
        }
        guard access(folder, W_OK) == 0 else { throw SessionLogError(path: folder, reason: "the folder is not writable") }
        self.folder = folder
        self.dims = dims
        self.modelName = modelName
        self.style = style
    }

    deinit { close() }

    /// The file, once the first event has been written.
    public var path: String? { file.withLock { $0.path } }

    /// Appends one event line (creating the file for the first one). Errors are not
    /// thrown: a full disk must not stop the performance; `failed` says so.
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
        file.withLock { f in
            guard !f.closed, !f.failed else { return }
            if f.descriptor < 0 {
                guard let (path, fd) = open(startingAt: date) else { f.failed = true; return }
                f.path = path
                f.descriptor = fd
            }
            _ = line.utf8CString.withUnsafeBufferPointer { write(f.descriptor, $0.baseAddress, $0.count - 1) }
        }
    }

    /// Whether the file could not be created (the events are then only streamed).
    public var failed: Bool { file.withLock { $0.failed } }

    /// Creates the file exclusively under the first free name: `STEM.csv`, `STEM-2.csv`, …;
    /// IMPSY's dataset command keeps files ending in `-{n}d-mdrnn.log`, so there the count
    /// goes before that ending.
    private func open(startingAt date: Date) -> (String, Int32)? {
        for n in 1...1000 {
            let suffix = n == 1 ? "" : "-\(n)"
            let name: String
            switch style.format {
            case .csv:
                let stamp = Self.timestamp(date).prefix(19).replacingOccurrences(of: ":", with: "-")
                let safeName = String(modelName.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(80))
                name = "\(stamp)Z-\(dims)d-\(safeName)\(suffix).csv"
            case .impsy:
                let stamp = Self.localTimestamp(date).prefix(19).replacingOccurrences(of: ":", with: "-")
                name = "\(stamp)\(suffix)-\(dims)d-mdrnn.log"
            }
            let path = (folder as NSString).appendingPathComponent(name)
            let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0o644)
            if fd >= 0 { return (path, fd) }
            if errno != EEXIST { return nil }
        }
        return nil
    }

    /// Flushes to disk and closes (graceful shutdown); later events are not logged.
    public func close() {
        file.withLock { f in
            f.closed = true
            guard f.descriptor >= 0 else { return }
            fsync(f.descriptor)
            Foundation.close(f.descriptor)
            f.descriptor = -1
        }
    }

    /// `2026-11-24T10:15:02.123456Z` (UTC, microseconds).
    static func timestamp(_ date: Date) -> String { format(date, utc: true) }

    /// `2026-11-24T11:15:02.123456`: local time without a zone, as Python's
    /// `datetime.now().isoformat()` writes it in IMPSY's logs (microseconds left out when 0).
    static func localTimestamp(_ date: Date) -> String { format(date, utc: false) }

    static func format(_ date: Date, utc: Bool) -> String {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12 else { return utc ? "1970-01-01T00:00:00.000000Z" : "1970-01-01T00:00:00" }
        var whole = time_t(seconds.rounded(.down))
        let micros = min(999_999, max(0, Int(((seconds - Double(whole)) * 1e6).rounded(.down))))
        var parts = tm()
        if utc { gmtime_r(&whole, &parts) } else { localtime_r(&whole, &parts) }
        let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                          parts.tm_hour, parts.tm_min, parts.tm_sec)
        if utc { return base + String(format: ".%06dZ", micros) }
        return micros == 0 ? base : base + String(format: ".%06d", micros)
    }
}

/// A session log that cannot be created or written, with its path.
public struct SessionLogError: Error, Equatable, CustomStringConvertible {
    /// The log file or folder.
    public var path: String
    /// What the system said.
    public var reason: String
    /// The path and the reason, in one line.
    public var description: String { "cannot write the session log \(path): \(reason)" }
}
