import Foundation
import Synchronization

/// A CSV log of one performance session, IMPS style: one line per event,
/// `ISO-8601 timestamp, source, x1, …, xn`, source `interface` (the performer) or `rnn`
/// (the model). Each line is one `write(2)` on an O_APPEND file, so a crash or `kill -9`
/// loses at most the line in flight; `baton dataset` reads the folder back.
public final class SessionLog: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32>

    /// Creates `folder` if needed and opens a new log named by the start time, the event
    /// width and the model, e.g. `2026-11-24T10-15-02Z-4d-impsy.csv`.
    public init(folder: String, dims: Int, modelName: String, date: Date = Date()) throws(SessionLogError) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw SessionLogError(path: folder, reason: "cannot create the folder")
        }
        let stamp = Self.timestamp(date).prefix(19).replacingOccurrences(of: ":", with: "-")
        let safeName = modelName.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        var path = (folder as NSString).appendingPathComponent("\(stamp)Z-\(dims)d-\(String(safeName)).csv")
        var n = 1
        while FileManager.default.fileExists(atPath: path) {
            n += 1
            path = (folder as NSString).appendingPathComponent("\(stamp)Z-\(dims)d-\(String(safeName))-\(n).csv")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw SessionLogError(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        descriptor = Mutex(fd)
    }

    deinit { close() }

    /// Appends one event line.
    public func append(source: String, values: [Float], at date: Date = Date()) {
        var line = Self.timestamp(date) + "," + source
        for v in values { line += "," + String(format: "%.6g", v) }
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
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let micros = Int(((seconds - Double(whole)) * 1e6).rounded(.down))
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
