import Testing

@testable import BatonOSC

/// Byte-exact vectors from liblo 0.31's `oscsend -` (stdout mode), produced at test time.
/// Our encoder must write exactly liblo's bytes and our decoder must read them back.
/// These tests fail, never skip, when /usr/bin/oscsend (Debian liblo-tools) is missing.
struct OSCLibloVectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var address: String
        var types: String
        var values: [String]
        var message: OSCMessage
        var testDescription: String { "\(address) \(types) \(values.joined(separator: " "))" }
    }

    static let vectors: [Vector] = [
        Vector(address: "/a/b", types: "ifsT", values: ["1", "2.5", "hi"],
               message: OSCMessage("/a/b", [.int32(1), .float32(2.5), .string("hi"), .boolean(true)])),
        Vector(address: "/x", types: "hdScmFNI", values: ["5", "1.5", "sym", "A", "01020304"],
               message: OSCMessage("/x", [.int64(5), .float64(1.5), .symbol("sym"), .character(0x41), .midi(0x0102_0304),
                                          .boolean(false), .null, .impulse])),
        Vector(address: "/baton/weights", types: "fff", values: ["0.25", "-0.1", "1e-3"],
               message: OSCMessage("/baton/weights", [.float32(0.25), .float32(-0.1), .float32(0.001)])),
        Vector(address: "/limits", types: "iihh", values: ["-2147483648", "2147483647", "-9223372036854775808", "9223372036854775807"],
               message: OSCMessage("/limits", [.int32(.min), .int32(.max), .int64(.min), .int64(.max)])),
        Vector(address: "/d", types: "dd", values: ["-0.001", "1e300"],
               message: OSCMessage("/d", [.float64(-0.001), .float64(1e300)])),
        Vector(address: "/midi", types: "m", values: ["90403c7f"], message: OSCMessage("/midi", [.midi(0x9040_3C7F)])),
        Vector(address: "/empty", types: "", values: [], message: OSCMessage("/empty")),
        Vector(address: "/utf8", types: "s", values: ["héllo ✓"], message: OSCMessage("/utf8", [.string("héllo ✓")])),
        Vector(address: "/abc", types: "sS", values: ["", "abcd"], message: OSCMessage("/abc", [.string(""), .symbol("abcd")])),
    ]

    @Test func documentedExampleIsByteExact() throws {
        let bytes = try TestSupport.oscsend("/a/b", "ifsT", ["1", "2.5", "hi"])
        #expect(TestSupport.hex(bytes) == "2f612f62000000002c696673540000000000000140200000" + "68690000")
    }

    @Test(arguments: vectors)
    func encoderMatchesLiblo(_ vector: Vector) throws {
        let liblo = try TestSupport.oscsend(vector.address, vector.types, vector.values)
        #expect(TestSupport.hex(vector.message.encoded()) == TestSupport.hex(liblo))
    }

    @Test(arguments: vectors)
    func decoderReadsLiblo(_ vector: Vector) throws {
        let liblo = try TestSupport.oscsend(vector.address, vector.types, vector.values)
        #expect(try OSCPacket.decode(liblo) == .message(vector.message))
    }

    @Test(arguments: 0...8)
    func stringPaddingMatchesLiblo(length: Int) throws {
        let text = String(repeating: "z", count: length)
        let address = "/" + String(repeating: "p", count: length)
        let liblo = try TestSupport.oscsend(address, "si", [text, "7"])
        let message = OSCMessage(address, [.string(text), .int32(7)])
        #expect(message.encoded() == liblo)
        #expect(try OSCPacket.decode(liblo) == .message(message))
    }
}
