/// A sampling setting a user gave that Baton cannot use (a temperature of 0, top-p above 1,
/// a seed out of range), named as the user wrote it.
public struct InvalidSetting: UserFacingError, Equatable, Sendable {
    /// The setting as the user wrote it and why it cannot be used.
    public var message: String
    /// The range that works, or a value to try.
    public var hint: String

    /// An error with this message and hint.
    public init(message: String, hint: String) {
        self.message = message
        self.hint = hint
    }
}
