import BatonOSC
import Foundation
import Testing

// The code of BatonOSC.docc/DecodingOSC.md, verbatim (BatonCoreTests'
// DocumentationArticleTests fails when the two drift apart). Public API only.

/// The numbers of every message in `datagram` whose address `route` matches (bundles
/// included), or the one-line reason the datagram was dropped.
func values(in datagram: [UInt8], matching route: OSCAddressPattern) -> Result<[[Float]], OSCDecodingError> {
    do {
        let packet = try OSCPacket.decode(datagram)
        let matching = packet.messages.filter { route.matches($0.message.address) }
        return .success(matching.map { $0.message.arguments.compactMap(\.floatValue) })
    } catch {
        return .failure(error)
    }
}

/// Baton's two weight methods: `/baton/weight` (a model and its weight) and
/// `/baton/weights` (every weight at once).
func weightRoute() throws(OSCPatternError) -> OSCAddressPattern {
    try OSCAddressPattern("/baton/{weight,weights}")
}

/// A bundle that sets two models' weights at once, a quarter of a second from `now`.
func crossfadeBundle(_ weights: (Float, Float), now: Date) -> [UInt8] {
    let bundle = OSCBundle(timeTag: OSCTimeTag(date: now.addingTimeInterval(0.25)), elements: [
        .message(OSCMessage("/baton/weight", [.int32(0), .float32(weights.0)])),
        .message(OSCMessage("/baton/weight", [.int32(1), .float32(weights.1)])),
    ])
    return OSCPacket.bundle(bundle).encoded()
}

@Suite struct DocumentationArticleTests {
    @Test func aBundleIsReadBackThroughTheRoute() throws {
        let now = Date()
        let bytes = crossfadeBundle((0.25, 0.75), now: now)
        let route = try weightRoute()
        #expect(try values(in: bytes, matching: route).get() == [[0, 0.25], [1, 0.75]])
        // The time tag survives the trip, to the 2⁻³² s grid.
        guard case .bundle(let bundle) = try OSCPacket.decode(bytes) else { Issue.record("not a bundle"); return }
        #expect(abs(bundle.timeTag.date.timeIntervalSince(now) - 0.25) < 1e-6)
    }

    @Test func theRouteTakesIntegersAndLeavesOtherAddresses() throws {
        let packet = OSCPacket.bundle(OSCBundle(elements: [
            .message(OSCMessage("/baton/weights", [.int32(1), .float32(0.5), .string("x")])),
            .message(OSCMessage("/baton/temperature", [.float32(0.9)])),
            .message(OSCMessage("/baton/weight/2", [.float32(1)])),
        ]))
        #expect(try values(in: packet.encoded(), matching: weightRoute()).get() == [[1, 0.5]])
    }

    @Test func aMalformedDatagramIsRefusedInOneLine() throws {
        // "/a" with a type tag string promising a float that is not there.
        let truncated: [UInt8] = Array("/a\0\0,f\0\0".utf8)
        guard case .failure(let error) = values(in: truncated, matching: try OSCAddressPattern("/a")) else {
            Issue.record("a truncated message decoded")
            return
        }
        #expect(error == .truncated(offset: 8))
        #expect(!error.description.contains("\n"))
    }

    @Test func aMalformedPatternIsRefused() {
        #expect(throws: OSCPatternError.self) { try OSCAddressPattern("/baton/{weight") }
    }
}
