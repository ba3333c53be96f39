import Testing

@testable import BatonOSC

/// Pattern matching tables (OSC 1.0, "OSC Message Dispatching and Pattern Matching").
struct OSCAddressPatternTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var pattern: String
        var address: String
        var matches: Bool
        var testDescription: String { "\(pattern) \(matches ? "~" : "!~") \(address)" }
        init(_ pattern: String, _ address: String, _ matches: Bool) {
            self.pattern = pattern
            self.address = address
            self.matches = matches
        }
    }

    static let table: [Row] = [
        // Literal parts.
        Row("/baton/temperature", "/baton/temperature", true),
        Row("/baton/temperature", "/baton/temperatures", false),
        Row("/baton/temperature", "/baton/temperatur", false),
        Row("/baton", "/baton/temperature", false),
        Row("/baton/temperature", "baton/temperature", false),
        Row("/", "/", true),
        // '*' matches within one part only.
        Row("/baton/*", "/baton/weight", true),
        Row("/baton/*", "/baton/instrument/mode", false),
        Row("/*", "/baton/weight", false),
        Row("/*", "/", true),
        Row("/*/*", "/a/b", true),
        Row("/*/*", "/a", false),
        Row("/*/*", "/a/b/c", false),
        Row("/baton/*/weight", "/baton/x/weight", true),
        Row("/baton/*/weight", "/baton/weight", false),
        Row("/baton/*/weight", "/baton/a/b/weight", false),
        Row("/baton/*/mode", "/baton/instrument/mode", true),
        Row("/baton/*ight", "/baton/weight", true),
        Row("/baton/*ight", "/baton/weights", false),
        Row("/a*b*c", "/abc", true),
        Row("/a*b*c", "/axxbyyc", true),
        Row("/a*b*c", "/axxcyyb", false),
        Row("/baton/instrument/*-temperature", "/baton/instrument/pi-temperature", true),
        Row("/baton/instrument/*-temperature", "/baton/temperature", false),
        // '?' matches exactly one character, never '/'.
        Row("/baton/w?ight", "/baton/weight", true),
        Row("/baton/w?eight", "/baton/weight", false),
        Row("/?", "/", false),
        Row("/a?c", "/a/c", false),
        Row("/???", "/abc", true),
        // Character classes.
        Row("/[a-c]x", "/bx", true),
        Row("/[a-c]x", "/dx", false),
        Row("/[!a-c]x", "/dx", true),
        Row("/[!a-c]x", "/bx", false),
        Row("/[!a]b", "/ab", false),
        Row("/[!a]b", "/cb", true),
        Row("/[ab][cd]", "/ad", true),
        Row("/[ab][cd]", "/da", false),
        Row("/[a-]", "/-", true),
        Row("/[a-]", "/a", true),
        Row("/[a-]", "/b", false),
        Row("/[-a]", "/-", true),
        Row("/[a!]", "/!", true),
        Row("/[0-9][0-9]", "/42", true),
        Row("/[0-9][0-9]", "/4x", false),
        Row("/[abc]", "/", false),
        // Alternatives.
        Row("/baton/{temperature,threshold}", "/baton/temperature", true),
        Row("/baton/{temperature,threshold}", "/baton/threshold", true),
        Row("/baton/{temperature,threshold}", "/baton/threshold2", false),
        Row("/baton/{temperature,threshold}", "/baton/weight", false),
        Row("/baton/t{emp,hresh}*", "/baton/temperature", true),
        Row("/baton/t{emp,hresh}*", "/baton/threshold", true),
        Row("/baton/t{emp,hresh}*", "/baton/tx", false),
        Row("/{a,b}/c", "/a/c", true),
        Row("/{a,b}/c", "/ab/c", false),
        Row("/a{,b}", "/a", true),
        Row("/a{,b}", "/ab", true),
        Row("/{ab,a}b", "/ab", true),
        // Characters that are special in patterns are literal in addresses.
        Row("/a?", "/a*", true),
        Row("/a", "/a*", false),
    ]

    @Test(arguments: table)
    func matching(_ row: Row) throws {
        let pattern = try OSCAddressPattern(row.pattern)
        #expect(pattern.matches(row.address) == row.matches)
    }

    @Test func pathologicalStarsStayFast() throws {
        let pattern = try OSCAddressPattern("/" + String(repeating: "*a", count: 40) + "b")
        #expect(!pattern.matches("/" + String(repeating: "a", count: 200)))
        #expect(pattern.matches("/" + String(repeating: "a", count: 200) + "b"))
    }

    @Test func literalPatterns() throws {
        #expect(try OSCAddressPattern("/baton/weight").isLiteral)
        #expect(try !OSCAddressPattern("/baton/*").isLiteral)
        #expect(try !OSCAddressPattern("/baton/{a,b}").isLiteral)
        #expect(try !OSCAddressPattern("/baton/[ab]").isLiteral)
    }

    @Test(arguments: [
        ("baton", OSCPatternError.Reason.notStartingWithSlash, 0),
        ("", .notStartingWithSlash, 0),
        ("/[abc", .unclosedBracket, 1),
        ("/x/[a/b]", .unclosedBracket, 3),
        ("/{a,b", .unclosedBrace, 1),
        ("/{a/b}", .unclosedBrace, 1),
        ("/a]", .unmatchedClosing("]"), 2),
        ("/a}", .unmatchedClosing("}"), 2),
        ("/[]", .emptyBracket, 1),
        ("/[!]", .emptyBracket, 1),
        ("/[z-a]", .reversedRange, 2),
        ("/{a*,b}", .specialCharacterInBraces("*"), 3),
    ])
    func invalidPatterns(pattern: String, reason: OSCPatternError.Reason, offset: Int) {
        #expect(throws: OSCPatternError(reason, pattern: pattern, offset: offset)) { try OSCAddressPattern(pattern) }
    }

    @Test func errorDescriptionNamesThePattern() {
        let error = OSCPatternError(.unclosedBracket, pattern: "/[abc", offset: 1)
        #expect(error.description.contains("/[abc"))
    }
}
