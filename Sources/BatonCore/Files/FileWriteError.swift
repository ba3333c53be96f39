/// A file that cannot be written (its folder is missing or read-only, the disk is full…).
public struct FileWriteError: Error, UserFacingError {
    /// The file that could not be written.
    public var path: String
    /// What the system said.
    public var reason: String

    /// An error for `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// The path and the reason, in one line.
    public var message: String { "cannot write \(path): \(reason)" }
    /// What to check.
    public var hint: String { "check that the folder exists and is writable" }
}
