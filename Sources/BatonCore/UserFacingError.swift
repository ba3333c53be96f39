/// An error a user can cause (a missing file, a corrupt model, bad data). The CLI renders
/// it as one line — `error: <message>` then `hint: <hint>` — and exits non-zero.
public protocol UserFacingError: Error, CustomStringConvertible {
    /// What went wrong, naming the path or value.
    var message: String { get }
    /// What to do about it.
    var hint: String { get }
}

extension UserFacingError {
    /// The message with its hint in parentheses, on one line.
    public var description: String { hint.isEmpty ? message : "\(message) (\(hint))" }
}
