import Foundation

/// Writes bytes to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over the target, so a reader (or a crash, or `kill -9`) never sees half a file:
/// the old file stays whole until the new one is complete.
///
/// The temporary file is `.NAME.tmp-PID-N`. A writer killed before its rename leaves one
/// behind; the next write of the same file removes those whose process is gone.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    let prefix = ".\(url.lastPathComponent).tmp-"
    removeAbandonedTemporaries(in: directory, prefix: prefix)
    let temporary = "\(directory)/\(prefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
    var written = 0
    let ok: Bool = bytes.withUnsafeBytes { raw in
        guard let base = raw.baseAddress else { return fsync(fd) == 0 }
        while written < raw.count {
            let n = write(fd, base + written, raw.count - written)
            if n <= 0 { return false }
            written += n
        }
        return fsync(fd) == 0
    }
    let reason = ok ? "" : String(cString: strerror(errno))
    close(fd)
    guard ok else {
        unlink(temporary)
        throw FileWriteError(path: path, reason: reason)
    }
    guard rename(temporary, path) == 0 else {
        let why = String(cString: strerror(errno))
        unlink(temporary)
        throw FileWriteError(path: path, reason: why)
    }
    // Make the rename itself durable (power loss); failure here loses nothing already written.
    let folder = open(directory, O_RDONLY)
    if folder >= 0 {
        fsync(folder)
        close(folder)
    }
}

/// Unlinks `PREFIX<pid>-…` files left by writers that no longer run.
private func removeAbandonedTemporaries(in directory: String, prefix: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names where name.hasPrefix(prefix) {
        let rest = name.dropFirst(prefix.count)
        guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid > 0 else { continue }
        if pid != getpid(), kill(pid, 0) == -1, errno == ESRCH {
            unlink("\(directory)/\(name)")
        }
    }
}
