import Testing

@testable import BatonOSC

/// Malformed packets, each refused with the error case (and byte offset) that names what
/// is wrong.
struct OSCDecodingErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var error: OSCDecodingError
        var testDescription: String { name }
    }

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func be(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static let bundleStart = ascii("#bundle\0") + be(0) + be(1)
    static let messageA = ascii("/a\0\0,\0\0\0")

    static let cases: [Case] = [
        Case(name: "empty packet", bytes: [], error: .emptyPacket),
        Case(name: "length not a multiple of 4", bytes: ascii("/a\0\0,"), error: .notAligned(length: 5, offset: 0)),
        Case(name: "address without NUL", bytes: ascii("/abc"), error: .truncated(offset: 0)),
        Case(name: "string argument without NUL", bytes: ascii("/a\0\0,s\0\0abcd"), error: .truncated(offset: 8)),
        Case(name: "type tag string without NUL", bytes: ascii("/a\0\0,iii"), error: .truncated(offset: 4)),
        Case(name: "int32 missing", bytes: ascii("/a\0\0,i\0\0"), error: .truncated(offset: 8)),
        Case(name: "float64 half present", bytes: ascii("/a\0\0,d\0\0") + be(1), error: .truncated(offset: 8)),
        Case(name: "unknown type tag", bytes: ascii("/a\0\0,ix\0") + be(1), error: .unknownTypeTag("x", offset: 6)),
        Case(name: "arrays are not supported", bytes: ascii("/a\0\0,[i]\0\0\0\0") + be(1), error: .unknownTypeTag("[", offset: 5)),
        Case(name: "arguments without type tag string", bytes: ascii("/a\0\0abc\0"), error: .missingTypeTagString(offset: 4)),
        Case(name: "address without slash", bytes: ascii("abc\0"), error: .addressNotStartingWithSlash(offset: 0)),
        Case(name: "almost a bundle", bytes: ascii("#bundl\0\0") + be(0) + be(1), error: .addressNotStartingWithSlash(offset: 0)),
        Case(name: "string padding not zero", bytes: ascii("/a\0x"), error: .nonZeroPadding(offset: 3)),
        Case(name: "blob padding not zero", bytes: ascii("/a\0\0,b\0\0") + be(1) + [7, 0, 1, 0], error: .nonZeroPadding(offset: 14)),
        Case(name: "string not UTF-8", bytes: [0x2F, 0xFF, 0, 0], error: .invalidString(offset: 0)),
        Case(name: "negative blob size", bytes: ascii("/a\0\0,b\0\0") + be(0xFFFF_FFFF), error: .negativeBlobSize(-1, offset: 8)),
        Case(name: "blob size of 2 GiB in a short packet", bytes: ascii("/a\0\0,b\0\0") + be(0x7FFF_FFFF) + be(0),
             error: .truncated(offset: 8)),
        Case(name: "blob padding past the end", bytes: ascii("/a\0\0,b\0\0") + be(5) + be(0), error: .truncated(offset: 8)),
        Case(name: "character wider than a byte", bytes: ascii("/a\0\0,c\0\0") + be(0x141), error: .invalidCharacter(0x141, offset: 8)),
        Case(name: "bytes after the last argument", bytes: ascii("/a\0\0,i\0\0") + be(1) + be(0), error: .trailingBytes(offset: 12)),
        Case(name: "bundle without time tag", bytes: ascii("#bundle\0") + be(0), error: .truncated(offset: 8)),
        Case(name: "bundle element larger than the bundle", bytes: bundleStart + be(100) + messageA,
             error: .badBundleElementSize(100, offset: 16)),
        Case(name: "bundle element one word too large", bytes: bundleStart + be(12) + messageA,
             error: .badBundleElementSize(12, offset: 16)),
        Case(name: "bundle element of size 0", bytes: bundleStart + be(0) + messageA, error: .badBundleElementSize(0, offset: 16)),
        Case(name: "bundle element size not a multiple of 4", bytes: bundleStart + be(6) + messageA,
             error: .badBundleElementSize(6, offset: 16)),
        Case(name: "negative bundle element size", bytes: bundleStart + be(0xFFFF_FFFC) + messageA,
             error: .badBundleElementSize(-4, offset: 16)),
        Case(name: "bundle element that is not a message", bytes: bundleStart + be(4) + ascii("abc\0"),
             error: .addressNotStartingWithSlash(offset: 20)),
        Case(name: "message shorter than its bundle element", bytes: bundleStart + be(12) + messageA + be(0),
             error: .trailingBytes(offset: 28)),
        Case(name: "second bundle element truncated", bytes: bundleStart + be(8) + messageA + be(8) + ascii("/b\0\0"),
             error: .badBundleElementSize(8, offset: 28)),
    ]

    @Test(arguments: cases)
    func malformedPacketThrows(_ testCase: Case) {
        #expect(throws: testCase.error) { try OSCPacket.decode(testCase.bytes) }
    }

    @Test func messageWithoutTypeTagStringHasNoArguments() throws {
        #expect(try OSCPacket.decode(Self.ascii("/old\0\0\0\0")) == .message(OSCMessage("/old")))
    }

    @Test func emptyBundleDecodes() throws {
        #expect(try OSCPacket.decode(Self.bundleStart) == .bundle(OSCBundle(timeTag: .immediately)))
    }

    /// Bundles nested `depth` deep around one message.
    private func nested(_ depth: Int) -> OSCPacket {
        var packet = OSCPacket.message(OSCMessage("/leaf", [.int32(1)]))
        for level in 0..<depth {
            packet = .bundle(OSCBundle(timeTag: OSCTimeTag(seconds: UInt32(level), fraction: 0), elements: [packet]))
        }
        return packet
    }

    @Test func nestingIsLimited() throws {
        let deepest = nested(OSCPacket.maximumNestingDepth)
        #expect(try OSCPacket.decode(deepest.encoded()) == deepest)
        // Each level is 16 bytes of header and time tag plus a 4-byte element size.
        #expect(throws: OSCDecodingError.nestingTooDeep(offset: 20 * OSCPacket.maximumNestingDepth)) {
            try OSCPacket.decode(nested(OSCPacket.maximumNestingDepth + 1).encoded())
        }
        #expect(throws: OSCDecodingError.nestingTooDeep(offset: 160)) { try OSCPacket.decode(nested(500).encoded()) }
    }

    @Test func descriptionsNameTheOffset() {
        for testCase in Self.cases {
            let text = testCase.error.description
            #expect(!text.isEmpty)
            switch testCase.error {
            case .emptyPacket: break
            case .truncated(let offset), .notAligned(_, let offset), .badBundleElementSize(_, let offset),
                .unknownTypeTag(_, let offset), .negativeBlobSize(_, let offset):
                #expect(text.contains("\(offset)"), "\(text)")
            default: break
            }
        }
    }
}
