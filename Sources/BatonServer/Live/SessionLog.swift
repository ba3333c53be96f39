import BatonCore
import Foundation

/// A CSV log of one performance session, IMPS style: one line per event,
/// `ISO-8601 timestamp, source, x1, …, xn`, source `interface` (the performer) or `rnn`
/// (the model). The file is created with the first event (a server that nobody played
/// leaves no empty log), named by that event's time, the event width and the model, e.g.
/// `2026-11-24T10-15-02Z-4d-impsy.csv`. Each line is one `write(2)` on an O_APPEND file,
/// so a crash or `kill -9` loses at most the line in flight; `baton dataset` reads the
/// folder back.
public final class SessionLog: Sendable {
    public let folder: String
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
    public init(folder: String, dims: Int, modelName: String) throws(SessionLogError) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SessionLogError(path: folder, reason: "cannot create the folder")
        }
        guard access(folder, W_OK) == 0 else { throw SessionLogError(path: folder, reason: "the folder is not writable") }
        self.folder = folder
        self.dims = dims
        self.modelName = modelName
    }

    deinit { close() }

    /// The file, once the first event has been written.
    public var path: String? { file.withLock { $0.path } }

    /// Appends one event line (creating the file for the first one). Errors are not
    /// thrown: a full disk must not stop the performance; `failed` says so.
    public func append(source: String, values: [Float], at date: Date = Date()) {
        var line = Self.timestamp(date) + "," + source
        for v in values { line += "," + String(format: "%.6g", v) }
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

    private func open(startingAt date: Date) -> (String, Int32)? {
        let stamp = Self.timestamp(date).prefix(19).replacingOccurrences(of: ":", with: "-")
        let safeName = String(modelName.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(80))
        for n in 1...1000 {
            let suffix = n == 1 ? "" : "-\(n)"
            let path = (folder as NSString).appendingPathComponent("\(stamp)Z-\(dims)d-\(safeName)\(suffix).csv")
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
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12 else { return "1970-01-01T00:00:00.000000Z" }
        var whole = time_t(seconds.rounded(.down))
        let micros = min(999_999, max(0, Int(((seconds - Double(whole)) * 1e6).rounded(.down))))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, micros)
    }
}

public struct SessionLogError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write the session log \(path): \(reason)" }
}
