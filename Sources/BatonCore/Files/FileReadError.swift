/// A file that cannot be read: missing, unreadable, not a regular file, or too large.
public struct FileReadError: UserFacingError, Equatable {
    public var path: String
    public var reason: String
    public var message: String { "cannot read \(path): \(reason)" }
    public var hint: String { "check the path and its permissions" }
}
