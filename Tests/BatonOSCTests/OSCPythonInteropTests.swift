import Foundation
import Testing

@testable import BatonOSC

/// Interoperability with python-osc (PyPI `python-osc`), run at test time. These tests
/// fail, never skip, when python3 or python-osc is missing.
struct OSCPythonInteropTests {
    /// python-osc builds a bundle holding messages and a nested bundle (which nests one
    /// more); we decode its bytes and check every element.
    @Test func decodeBundleBuiltByPythonOSC() throws {
        let script = """
            from pythonosc import osc_bundle_builder as bb, osc_message_builder as mb
            def msg(address, *args):
                m = mb.OscMessageBuilder(address=address)
                for value, kind in args:
                    m.add_arg(value, kind)
                return m.build()
            inner = bb.OscBundleBuilder(bb.IMMEDIATELY)
            inner.add_content(msg("/deep", ("ok", "s")))
            middle = bb.OscBundleBuilder(1700000001.25)
            middle.add_content(msg("/baton/prime", ("hello", "s"), (b"\\x01\\x02\\x03", "b")))
            middle.add_content(inner.build())
            outer = bb.OscBundleBuilder(1700000000.5)
            outer.add_content(msg("/baton/temperature", (0.75, "f")))
            outer.add_content(middle.build())
            outer.add_content(msg("/all", (42, "i"), (2**40, "h"), (0.1, "d"), (True, "T"), (False, "F"), (None, "N"),
                                  (0x11223344, "r"), ((1, 0x90, 60, 127), "m")))
            outer.add_content(msg("/none"))
            print(outer.build().dgram.hex())
            """
        let hex = try TestSupport.python(script)
        let bytes = try #require(TestSupport.bytes(hex: hex), "python printed \(hex)")
        let packet = try OSCPacket.decode(bytes)

        let outerTag = OSCTimeTag(seconds: 3_908_988_800, fraction: 0x8000_0000)
        let middleTag = OSCTimeTag(seconds: 3_908_988_801, fraction: 0x4000_0000)
        let expected = OSCPacket.bundle(OSCBundle(timeTag: outerTag, elements: [
            .message(OSCMessage("/baton/temperature", [.float32(0.75)])),
            .bundle(OSCBundle(timeTag: middleTag, elements: [
                .message(OSCMessage("/baton/prime", [.string("hello"), .blob([1, 2, 3])])),
                .bundle(OSCBundle(timeTag: .immediately, elements: [.message(OSCMessage("/deep", [.string("ok")]))])),
            ])),
            .message(OSCMessage("/all", [
                .int32(42), .int64(1 << 40), .float64(0.1), .boolean(true), .boolean(false), .null,
                .rgba(0x1122_3344), .midi(0x0190_3C7F),
            ])),
            .message(OSCMessage("/none")),
        ]))
        #expect(packet == expected)
        #expect(packet.messages.map(\.timeTag) == [outerTag, middleTag, .immediately, outerTag, outerTag])
        // And our encoder writes python-osc's bytes exactly.
        #expect(TestSupport.hex(expected.encoded()) == hex)
    }

    /// We encode a nested bundle; python-osc parses it and prints what it read as JSON.
    @Test func pythonOSCParsesOurBundle() throws {
        let tag = OSCTimeTag(seconds: 3_908_988_800, fraction: 0x8000_0000)
        let packet = OSCPacket.bundle(OSCBundle(timeTag: tag, elements: [
            .message(OSCMessage("/baton/weights", [.float32(0.25), .float32(-1.5), .int32(-7), .int64(-(1 << 40))])),
            .bundle(OSCBundle(timeTag: .immediately, elements: [
                .message(OSCMessage("/baton/prime", [.string("héllo"), .blob([0, 255, 16]), .float64(0.1)])),
                .message(OSCMessage("/flags", [.boolean(true), .boolean(false), .null, .rgba(0xDEAD_BEEF), .midi(0x0090_3C7F)])),
            ])),
            .message(OSCMessage("/empty")),
        ]))
        let script = """
            import json
            from pythonosc.osc_bundle import OscBundle
            from pythonosc.osc_message import OscMessage
            def value(v):
                if isinstance(v, bytes): return {"blob": v.hex()}
                if isinstance(v, tuple): return list(v)
                return v
            def walk(dgram):
                if OscBundle.dgram_is_bundle(dgram):
                    bundle = OscBundle(dgram)
                    return {"timetag": int.from_bytes(dgram[8:16], "big"), "elements": [walk(e.dgram) for e in bundle]}
                message = OscMessage(dgram)
                return {"address": message.address, "args": [value(p) for p in message.params]}
            print(json.dumps(walk(bytes.fromhex(sys.argv[1]))))
            """
        let json = try TestSupport.python(script, [TestSupport.hex(packet.encoded())])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let expected: [String: Any] = [
            "timetag": tag.rawValue,
            "elements": [
                ["address": "/baton/weights", "args": [0.25, -1.5, -7, -(1 << 40)]],
                ["timetag": 1, "elements": [
                    ["address": "/baton/prime", "args": ["héllo", ["blob": "00ff10"], 0.1]],
                    ["address": "/flags", "args": [true, false, NSNull(), 0xDEAD_BEEF, [0, 0x90, 0x3C, 0x7F]]],
                ]],
                ["address": "/empty", "args": []],
            ],
        ]
        #expect(try canonical(parsed) == canonical(expected), "python-osc read \(json)")
    }

    /// JSON with sorted keys, so two trees compare as strings.
    private func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
