import Foundation

/// Reads a whole file, reporting the operating system's reason when it cannot.
public func readFileBytes(_ path: String) throws(FileReadError) -> [UInt8] {
    var info = stat()
    guard stat(path, &info) == 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
    guard (info.st_mode & S_IFMT) != S_IFDIR else { throw FileReadError(path: path, reason: "is a folder, not a file") }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(info.st_size))
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

public struct FileReadError: UserFacingError, Equatable {
    public var path: String
    public var reason: String
    public var message: String { "cannot read \(path): \(reason)" }
    public var hint: String { "check the path and its permissions" }
}
