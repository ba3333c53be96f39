import BatonCore

/// Why the Studio's pages could not be assembled: the shared head fragment is missing or
/// unreadable, or a page lacks its `<!-- shared head -->` line. Thrown when the server
/// starts, naming the file.
public struct StudioPageError: UserFacingError, Equatable {
    /// What is wrong, naming the file.
    public var message: String
    /// What to do about it.
    public var hint: String

    /// An error with this message and hint.
    public init(message: String, hint: String) {
        self.message = message
        self.hint = hint
    }
}
