import Foundation

/// Reads a whole regular file, reporting the operating system's reason when it cannot.
///
/// Devices, FIFOs and folders are refused (`/dev/zero` would never end), and so is a file
/// larger than `maximumBytes`, before anything is allocated for it: each format passes its
/// own limit (see docs/formats.md, "Limits").
public func readFileBytes(_ path: String, maximumBytes: Int = .max) throws(FileReadError) -> [UInt8] {
    var info = stat()
    guard stat(path, &info) == 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw FileReadError(path: path, reason: "is a folder, not a file")
    default: throw FileReadError(path: path, reason: "is not a regular file (a device, pipe or socket)")
    }
    let size = Int(info.st_size)
    guard size <= maximumBytes else {
        throw FileReadError(path: path, reason: "is \(size) bytes, more than the \(maximumBytes) this kind of file may have")
    }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(size)
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        if n == 0 { break }
        // A file that grows while it is read (or a /proc file with no size) is still bounded.
        guard bytes.count + n <= maximumBytes else {
            throw FileReadError(path: path, reason: "grew past the \(maximumBytes) bytes this kind of file may have")
        }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}
