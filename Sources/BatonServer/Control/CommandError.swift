/// Why a command or request was refused: one line naming the field, the value and what is
/// accepted. Logged and answered per transport (WebSocket `error`, HTTP 400, OSC counter).
public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The refusal, in one line.
    public var description: String
    /// A refusal with this text.
    public init(_ description: String) { self.description = description }
}
