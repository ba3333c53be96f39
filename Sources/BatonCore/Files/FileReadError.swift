/// A file that cannot be read: missing, unreadable, not a regular file, or too large.
public struct FileReadError: UserFacingError, Equatable {
    /// The file that could not be read.
    public var path: String
    /// What the system said.
    public var reason: String
    /// The path and the reason, in one line.
    public var message: String { "cannot read \(path): \(reason)" }
    /// What to check.
    public var hint: String { "check the path and its permissions" }
}
