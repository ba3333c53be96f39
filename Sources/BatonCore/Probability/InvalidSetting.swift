/// A sampling setting a user gave that Baton cannot use (a temperature of 0, top-p above 1,
/// a seed out of range), named as the user wrote it.
public struct InvalidSetting: UserFacingError, Equatable, Sendable {
    public var message: String
    public var hint: String

    public init(message: String, hint: String) {
        self.message = message
        self.hint = hint
    }
}
