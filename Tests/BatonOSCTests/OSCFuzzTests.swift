import Testing

@testable import BatonOSC

/// Feeds thousands of random, truncated and mutated packets to the decoder. Decoding must
/// only ever return or throw (a trap would crash the test run); whatever decodes must
/// re-encode to a fixed point.
struct OSCFuzzTests {
    /// SplitMix64: small, seeded, deterministic across platforms.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomArgument(_ g: inout Generator) -> OSCArgument {
        switch Int.random(in: 0..<15, using: &g) {
        case 0: return .int32(Int32(truncatingIfNeeded: g.next()))
        case 1: return .float32(Float(bitPattern: UInt32(truncatingIfNeeded: g.next())))
        case 2: return .string(String(repeating: "s", count: Int.random(in: 0..<9, using: &g)))
        case 3: return .blob((0..<Int.random(in: 0..<9, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) })
        case 4: return .int64(Int64(bitPattern: g.next()))
        case 5: return .float64(Double(bitPattern: g.next()))
        case 6: return .timeTag(OSCTimeTag(rawValue: g.next()))
        case 7: return .symbol("sym")
        case 8: return .character(UInt8.random(in: 0...255, using: &g))
        case 9: return .rgba(UInt32(truncatingIfNeeded: g.next()))
        case 10: return .midi(UInt32(truncatingIfNeeded: g.next()))
        case 11: return .boolean(Bool.random(using: &g))
        case 12: return .null
        case 13: return .impulse
        default: return .string("é✓")
        }
    }

    static func randomPacket(_ g: inout Generator, depth: Int = 0) -> OSCPacket {
        if depth < 3, Int.random(in: 0..<3, using: &g) == 0 {
            let elements = (0..<Int.random(in: 0..<4, using: &g)).map { _ in randomPacket(&g, depth: depth + 1) }
            return .bundle(OSCBundle(timeTag: OSCTimeTag(rawValue: g.next()), elements: elements))
        }
        let arguments = (0..<Int.random(in: 0..<6, using: &g)).map { _ in randomArgument(&g) }
        return .message(OSCMessage("/f" + String(repeating: "z", count: Int.random(in: 0..<6, using: &g)), arguments))
    }

    /// One mutation of a valid packet: truncation, byte flips, a planted size field, or
    /// random bytes of random length.
    static func mutate(_ bytes: [UInt8], _ g: inout Generator) -> [UInt8] {
        var bytes = bytes
        switch Int.random(in: 0..<5, using: &g) {
        case 0:
            bytes.removeLast(Int.random(in: 0...bytes.count, using: &g))
        case 1:
            for _ in 0..<Int.random(in: 1...4, using: &g) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
            }
        case 2 where bytes.count >= 4:
            let at = Int.random(in: 0...(bytes.count - 4) / 4, using: &g) * 4
            let sizes: [UInt32] = [0, 1, 4, 8, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, UInt32(bytes.count)]
            let size = sizes.randomElement(using: &g) ?? 0
            for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: size >> (24 - 8 * UInt32(i))) }
        case 3:
            let prefix: [UInt8] = Bool.random(using: &g) ? Array("#bundle\0".utf8) : [UInt8(ascii: "/")]
            let alphabet: [UInt8] = [0, 0x2C, 0x2F, 0x23, 0x69, 0x62, 0x73, 0xFF, 0x01, 0x80]
            bytes = prefix + (0..<Int.random(in: 0..<64, using: &g)).map { _ in alphabet.randomElement(using: &g) ?? 0 }
        default:
            bytes.insert(UInt8.random(in: 0...255, using: &g), at: Int.random(in: 0...bytes.count, using: &g))
        }
        return bytes
    }

    @Test func decoderSurvivesMutatedPackets() throws {
        var g = Generator(state: 0x05C_1_0_0)
        var decoded = 0, refused = 0
        for _ in 0..<10_000 {
            let valid = Self.randomPacket(&g).encoded()
            let bytes = Self.mutate(valid, &g)
            do {
                let packet = try OSCPacket.decode(bytes)
                decoded += 1
                let again = packet.encoded()
                let second = try OSCPacket.decode(again).encoded()
                if second != again {
                    Issue.record("re-encoding is not a fixed point for \(TestSupport.hex(bytes))")
                }
            } catch {
                refused += 1
            }
        }
        // The mutations must exercise both outcomes, or the test proves little.
        #expect(decoded > 100)
        #expect(refused > 1000)
    }

    @Test func validPacketsDecodeToThemselves() throws {
        var g = Generator(state: 42)
        for _ in 0..<500 {
            let packet = Self.randomPacket(&g)
            let bytes = packet.encoded()
            let decoded = try OSCPacket.decode(bytes)
            // NaN payloads make `==` false, so compare the bytes instead.
            if decoded.encoded() != bytes { Issue.record("\(packet) did not survive a round trip") }
        }
    }
}
