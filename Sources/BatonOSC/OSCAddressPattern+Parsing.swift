/// Compiling an address pattern's text into tokens (OSC 1.0, "OSC Message Dispatching
/// and Pattern Matching").
extension OSCAddressPattern {
    static func compile(_ pattern: String) throws(OSCPatternError) -> [[Token]] {
        let scalars = Array(pattern.unicodeScalars)
        func fail(_ reason: OSCPatternError.Reason, _ offset: Int) -> OSCPatternError {
            OSCPatternError(reason, pattern: pattern, offset: offset)
        }
        guard scalars.first == "/" else { throw fail(.notStartingWithSlash, 0) }

        var parts: [[Token]] = []
        var part: [Token] = []
        var i = 1
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "/":
                parts.append(part)
                part = []
                i += 1
            case "?":
                part.append(.anyCharacter)
                i += 1
            case "*":
                // Consecutive stars match the same as one.
                if part.last != .anySequence { part.append(.anySequence) }
                i += 1
            case "[":
                guard let close = closing("]", in: scalars, from: i + 1) else { throw fail(.unclosedBracket, i) }
                part.append(try characterClass(scalars[(i + 1)..<close], offset: i, fail: fail))
                i = close + 1
            case "{":
                guard let close = closing("}", in: scalars, from: i + 1) else { throw fail(.unclosedBrace, i) }
                part.append(try alternatives(scalars[(i + 1)..<close], fail: fail))
                i = close + 1
            case "]", "}":
                throw fail(.unmatchedClosing(Character(c)), i)
            default:
                part.append(.literal(c))
                i += 1
            }
        }
        parts.append(part)
        return parts
    }

    /// The index of the first `close` at or after `start` within the current part.
    private static func closing(_ close: Unicode.Scalar, in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var j = start
        while j < scalars.count, scalars[j] != "/" {
            if scalars[j] == close { return j }
            j += 1
        }
        return nil
    }

    /// Compiles the inside of `[...]`: an optional leading `!`, then characters and
    /// `a-z` ranges; a `-` first or last is literal.
    private static func characterClass(
        _ body: ArraySlice<Unicode.Scalar>, offset: Int, fail: (OSCPatternError.Reason, Int) -> OSCPatternError
    ) throws(OSCPatternError) -> Token {
        var items = body
        let negated = items.first == "!"
        if negated { items = items.dropFirst() }
        guard !items.isEmpty else { throw fail(.emptyBracket, offset) }
        var ranges: [ClosedRange<UInt32>] = []
        var j = items.startIndex
        while j < items.endIndex {
            let low = items[j]
            if j + 2 < items.endIndex, items[j + 1] == "-" {
                let high = items[j + 2]
                guard low.value <= high.value else { throw fail(.reversedRange, j) }
                ranges.append(low.value...high.value)
                j += 3
            } else {
                ranges.append(low.value...low.value)
                j += 1
            }
        }
        return .characterClass(negated: negated, ranges: ranges)
    }

    /// Compiles the inside of `{...}`: comma-separated literal strings (an empty one
    /// matches the empty string).
    private static func alternatives(
        _ body: ArraySlice<Unicode.Scalar>, fail: (OSCPatternError.Reason, Int) -> OSCPatternError
    ) throws(OSCPatternError) -> Token {
        if let bad = body.firstIndex(where: { "*?[]{".unicodeScalars.contains($0) }) {
            throw fail(.specialCharacterInBraces(Character(body[bad])), bad)
        }
        let choices = body.split(separator: ",", omittingEmptySubsequences: false).map { Array($0) }
        return .alternatives(choices)
    }
}
