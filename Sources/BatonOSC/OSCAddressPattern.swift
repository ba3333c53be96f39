/// An OSC Address Pattern, compiled once and matched against method addresses
/// (OSC 1.0, "OSC Message Dispatching and Pattern Matching").
///
/// Matching is part by part between `/` separators, so no wildcard ever matches a `/`:
/// - `?` matches any single character;
/// - `*` matches any sequence of zero or more characters;
/// - `[abc]`, `[a-z]`, `[!a-z]` match one character in (or, with a leading `!`, not in)
///   the list; a `-` at the start or end of the list is literal, as is a `!` after the start;
/// - `{foo,bar}` matches any of the comma-separated strings;
/// - any other character matches only itself.
///
/// Matching runs over the pattern once per part, keeping the set of reachable positions,
/// so it takes O(pattern × address) time and never backtracks exponentially.
public struct OSCAddressPattern: Sendable {
    /// One element of a compiled part.
    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case anyCharacter
        case anySequence
        case characterClass(negated: Bool, ranges: [ClosedRange<UInt32>])
        case alternatives([[Unicode.Scalar]])
    }

    /// The pattern as given.
    public let pattern: String
    /// The compiled parts, one per `/`-separated segment after the leading `/`.
    let parts: [[Token]]

    /// Compiles `pattern`, which must start with `/` and have balanced `[]` and `{}`
    /// within each part.
    public init(_ pattern: String) throws(OSCPatternError) {
        self.pattern = pattern
        self.parts = try Self.compile(pattern)
    }

    /// Whether the pattern has no wildcards, so matching is plain string equality.
    public var isLiteral: Bool {
        parts.allSatisfy { part in
            part.allSatisfy { if case .literal = $0 { return true } else { return false } }
        }
    }

    /// Whether the method address `address` (e.g. `/baton/weight`) matches this pattern.
    /// Addresses are taken literally; one not starting with `/` matches nothing.
    public func matches(_ address: String) -> Bool {
        let scalars = Array(address.unicodeScalars)
        guard scalars.first == "/" else { return false }
        let addressParts = scalars.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard addressParts.count == parts.count else { return false }
        for (part, text) in zip(parts, addressParts) where !Self.match(part, Array(text)) {
            return false
        }
        return true
    }

    /// Whether the tokens of one part match all of `text`. `reachable[i]` says whether the
    /// tokens seen so far can consume exactly `text[..<i]`.
    static func match(_ tokens: [Token], _ text: [Unicode.Scalar]) -> Bool {
        let n = text.count
        var reachable = [Bool](repeating: false, count: n + 1)
        reachable[0] = true
        var next = reachable
        for token in tokens {
            for i in 0...n { next[i] = false }
            switch token {
            case .anySequence:
                guard let first = reachable.firstIndex(of: true) else { return false }
                for i in first...n { next[i] = true }
            case .alternatives(let choices):
                for i in 0...n where reachable[i] {
                    for choice in choices where i + choice.count <= n && text[i..<i + choice.count].elementsEqual(choice) {
                        next[i + choice.count] = true
                    }
                }
            default:
                for i in 0..<n where reachable[i] && matchesOne(token, text[i]) {
                    next[i + 1] = true
                }
            }
            swap(&reachable, &next)
        }
        return reachable[n]
    }

    /// Whether a single-character token matches `scalar`.
    private static func matchesOne(_ token: Token, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case .literal(let expected): return scalar == expected
        case .anyCharacter: return true
        case .characterClass(let negated, let ranges):
            return ranges.contains { $0.contains(scalar.value) } != negated
        case .anySequence, .alternatives: return false
        }
    }
}

extension OSCAddressPattern: CustomStringConvertible {
    /// The pattern as it was written.
    public var description: String { pattern }
}
