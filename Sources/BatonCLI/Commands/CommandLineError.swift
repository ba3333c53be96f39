import BatonCore

/// A user-facing error raised by a `baton` command itself (not by a library): a model of
/// the wrong kind, no models found, no terminal. Rendered as one line with its hint.
/// Named apart from the server's `CommandError`, which answers live control messages.
struct CommandLineError: UserFacingError {
    var message: String
    var hint: String
}
