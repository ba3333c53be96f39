/// A file that cannot be written (its folder is missing or read-only, the disk is full…).
public struct FileWriteError: Error, UserFacingError {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var message: String { "cannot write \(path): \(reason)" }
    public var hint: String { "check that the folder exists and is writable" }
}
