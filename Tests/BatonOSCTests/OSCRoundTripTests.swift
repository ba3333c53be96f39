import Foundation
import Testing

@testable import BatonOSC

/// Encode → decode round trips, with the exact byte layout checked where OSC 1.0 fixes it.
struct OSCRoundTripTests {
    static let everyArgument: [OSCArgument] = [
        .int32(-123_456), .float32(2.5), .string("hello"), .blob([1, 2, 3, 4, 5]),
        .int64(-9_000_000_000), .float64(-0.001), .timeTag(OSCTimeTag(seconds: 3_908_988_800, fraction: 0x8000_0000)),
        .symbol("sym"), .character(UInt8(ascii: "A")), .rgba(0xFF80_4020), .midi(0x0190_3C7F),
        .boolean(true), .boolean(false), .null, .impulse,
    ]

    private func roundTrip(_ message: OSCMessage) throws -> OSCPacket {
        try OSCPacket.decode(message.encoded())
    }

    @Test(arguments: everyArgument)
    func singleArgumentRoundTrips(_ argument: OSCArgument) throws {
        let message = OSCMessage("/type/\(argument.typeTag)", [argument])
        let bytes = message.encoded()
        #expect(bytes.count % 4 == 0)
        #expect(try OSCPacket.decode(bytes) == .message(message))
    }

    @Test func everyArgumentInOneMessage() throws {
        let message = OSCMessage("/all", Self.everyArgument)
        #expect(message.typeTagString == ",ifsbhdtScrmTFNI")
        #expect(try roundTrip(message) == .message(message))
    }

    @Test func argumentDataLayout() {
        let message = OSCMessage("/x", [
            .character(0x41), .rgba(0x1122_3344), .timeTag(OSCTimeTag(seconds: 1, fraction: 2)),
            .int32(-1), .float32(1), .boolean(true), .null, .impulse,
        ])
        let expected = "2f780000" + "2c637274" + "696654 4e 49 000000".replacingOccurrences(of: " ", with: "")
            + "00000041" + "11223344" + "0000000100000002" + "ffffffff" + "3f800000"
        #expect(TestSupport.hex(message.encoded()) == expected)
    }

    @Test func emptyArgumentListWritesCommaTypeTagString() throws {
        let message = OSCMessage("/a")
        #expect(message.encoded() == Array("/a".utf8) + [0, 0, UInt8(ascii: ",")] + [0, 0, 0])
        #expect(try roundTrip(message) == .message(message))
    }

    @Test(arguments: 0...9)
    func stringsArePaddedWithOneToFourNULs(length: Int) throws {
        let text = String(repeating: "x", count: length)
        let message = OSCMessage("/s", [.string(text), .symbol(text)])
        let bytes = message.encoded()
        let padded = (length / 4 + 1) * 4
        try #require(bytes.count == 4 + 4 + 2 * padded)
        #expect(bytes[8 + length..<8 + padded].allSatisfy { $0 == 0 })
        #expect(try OSCPacket.decode(bytes) == .message(message))

        let address = "/" + String(repeating: "a", count: length)
        let addressOnly = OSCMessage(address)
        #expect(addressOnly.encoded().count == (address.utf8.count / 4 + 1) * 4 + 4)
        #expect(try roundTrip(addressOnly) == .message(addressOnly))
    }

    @Test(arguments: 0...9)
    func blobsAreSizedAndPadded(size: Int) throws {
        let blob = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
        let message = OSCMessage("/b", [.blob(blob), .int32(7)])
        let bytes = message.encoded()
        let padded = (size + 3) / 4 * 4
        try #require(bytes.count == 4 + 4 + 4 + padded + 4)
        #expect(Array(bytes[8..<12]) == [0, 0, 0, UInt8(size)])
        #expect(try OSCPacket.decode(bytes) == .message(message))
    }

    @Test func utf8StringsRoundTrip() throws {
        let message = OSCMessage("/ünï/cødé", [.string("héllo ✓ 🎻")])
        #expect(try roundTrip(message) == .message(message))
    }

    @Test func nulInsideAStringCutsItShort() throws {
        let bytes = OSCMessage("/a", [.string("ab\0cd")]).encoded()
        #expect(try OSCPacket.decode(bytes) == .message(OSCMessage("/a", [.string("ab")])))
    }

    @Test func nanBitPatternsSurvive() throws {
        let float = Float(bitPattern: 0x7FC0_1234), double = Double(bitPattern: 0x7FF8_0000_0000_ABCD)
        let decoded = try OSCPacket.decode(OSCMessage("/n", [.float32(float), .float64(double)]).encoded())
        guard case .message(let message) = decoded, case .float32(let f) = message.arguments[0],
            case .float64(let d) = message.arguments[1]
        else {
            Issue.record("decoded \(decoded)")
            return
        }
        #expect(f.bitPattern == 0x7FC0_1234)
        #expect(d.bitPattern == 0x7FF8_0000_0000_ABCD)
    }

    @Test func nestedBundlesThreeLevelsDeep() throws {
        let t1 = OSCTimeTag(seconds: 100, fraction: 0), t2 = OSCTimeTag(seconds: 200, fraction: 5), t3 = OSCTimeTag.immediately
        let innermost = OSCBundle(timeTag: t3, elements: [.message(OSCMessage("/c", [.string("deep")]))])
        let middle = OSCBundle(timeTag: t2, elements: [
            .message(OSCMessage("/b", [.float32(0.5)])), .bundle(innermost), .message(OSCMessage("/b2")),
        ])
        let outer = OSCPacket.bundle(OSCBundle(timeTag: t1, elements: [
            .message(OSCMessage("/a", [.int32(1)])), .bundle(middle), .bundle(OSCBundle(timeTag: t2)),
        ]))
        let bytes = outer.encoded()
        #expect(Array(bytes[0..<8]) == Array("#bundle".utf8) + [0])
        #expect(try OSCPacket.decode(bytes) == outer)

        let flattened = outer.messages
        #expect(flattened.map(\.message.address) == ["/a", "/b", "/c", "/b2"])
        #expect(flattened.map(\.timeTag) == [t1, t2, t3, t2])
        #expect(OSCPacket.message(OSCMessage("/solo")).messages.map(\.timeTag) == [nil])
    }

    @Test func bundleElementSizesAreWritten() {
        let bundle = OSCBundle(timeTag: OSCTimeTag(seconds: 1, fraction: 2), elements: [.message(OSCMessage("/a"))])
        let expected = "2362756e646c6500" + "0000000100000002" + "00000008" + "2f610000" + "2c000000"
        #expect(TestSupport.hex(bundle.encoded()) == expected)
        #expect(OSCBundle().encoded().count == 16)
    }

    @Test func decodeOverloadsAgree() throws {
        let bytes = OSCMessage("/o", [.int32(3)]).encoded()
        let fromArray = try OSCPacket.decode(bytes)
        #expect(try OSCPacket.decode(Data(bytes)) == fromArray)
        #expect(try OSCPacket.decode(bytes[...]) == fromArray)
        #expect(try bytes.withUnsafeBytes { buffer throws(OSCDecodingError) in try OSCPacket.decode(buffer) } == fromArray)
    }
}
