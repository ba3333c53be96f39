/// Why a string is not a valid OSC Address Pattern.
public struct OSCPatternError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Equatable, Sendable {
        /// The pattern does not start with `/` (OSC 1.0, "OSC Address Patterns").
        case notStartingWithSlash
        /// A `[` has no matching `]` in the same part.
        case unclosedBracket
        /// A `{` has no matching `}` in the same part.
        case unclosedBrace
        /// A `]` or `}` appears with no opening bracket or brace.
        case unmatchedClosing(Character)
        /// A `[]` or `[!]` lists no characters.
        case emptyBracket
        /// A range such as `[z-a]` runs backwards.
        case reversedRange
        /// A `*`, `?`, `[`, `{` or `]` appears inside `{...}`; alternatives are plain strings.
        case specialCharacterInBraces(Character)
    }

    /// What was wrong with the pattern.
    public var reason: Reason
    /// The pattern that was refused.
    public var pattern: String
    /// The position of the problem, in Unicode scalars from the start of the pattern.
    public var offset: Int

    /// An error for `pattern`, found at scalar `offset`.
    public init(_ reason: Reason, pattern: String, offset: Int) {
        self.reason = reason
        self.pattern = pattern
        self.offset = offset
    }

    /// One line quoting the pattern, what is wrong with it and where.
    public var description: String {
        let what: String
        switch reason {
        case .notStartingWithSlash: what = "does not start with '/'"
        case .unclosedBracket: what = "has a '[' with no ']'"
        case .unclosedBrace: what = "has a '{' with no '}'"
        case .unmatchedClosing(let c): what = "has a '\(c)' with nothing to close"
        case .emptyBracket: what = "has an empty character class"
        case .reversedRange: what = "has a backwards character range"
        case .specialCharacterInBraces(let c): what = "has '\(c)' inside '{...}'"
        }
        return "OSC address pattern \"\(pattern)\" \(what) (at character \(offset))"
    }
}
