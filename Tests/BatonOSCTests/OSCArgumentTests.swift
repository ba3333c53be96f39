import Foundation
import Testing

@testable import BatonOSC

/// Type tags, the lenient number readers servers use, and time tag conversions.
struct OSCArgumentTests {
    @Test func typeTags() {
        let tags = OSCRoundTripTests.everyArgument.map(\.typeTag)
        #expect(String(tags) == "ifsbhdtScrmTFNI")
    }

    @Test(arguments: [
        (OSCArgument.float32(2.5), Float?(2.5), Int?(3)),
        (.float32(-2.5), -2.5, -3),
        (.float32(0.49), 0.49, 0),
        (.float64(7.6), 7.6, 8),
        (.int32(-4), -4, -4),
        (.int64(1 << 40), Float(1 << 40), 1 << 40),
        (.boolean(true), 1, 1),
        (.boolean(false), 0, 0),
        (.float32(.nan), nil, nil),
        (.float64(.infinity), Float.infinity, nil),
        (.float64(1e300), Float.infinity, nil),
        (.string("3"), nil, nil),
        (.null, nil, nil),
    ])
    func lenientNumbers(argument: OSCArgument, float: Float?, int: Int?) {
        if let float {
            #expect(argument.floatValue == float)
        } else if let value = argument.floatValue {
            #expect(value.isNaN, "\(argument) should have no float value, got \(value)")
        }
        #expect(argument.intValue == int)
    }

    @Test func stringValueReadsStringsAndSymbols() {
        #expect(OSCArgument.string("a").stringValue == "a")
        #expect(OSCArgument.symbol("b").stringValue == "b")
        #expect(OSCArgument.int32(1).stringValue == nil)
        #expect(OSCArgument.blob([0x61]).stringValue == nil)
    }

    @Test func timeTagFromDate() {
        let epoch = OSCTimeTag(date: Date(timeIntervalSince1970: 0))
        #expect(epoch == OSCTimeTag(seconds: 2_208_988_800, fraction: 0))
        let half = OSCTimeTag(date: Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(half == OSCTimeTag(seconds: 3_908_988_800, fraction: 0x8000_0000))
        #expect(half.date == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(half.rawValue == UInt64(3_908_988_800) << 32 | 0x8000_0000)
        #expect(OSCTimeTag(rawValue: half.rawValue) == half)
    }

    @Test func timeTagDateRoundTripIsWithinAMicrosecond() {
        let now = Date()
        #expect(abs(OSCTimeTag(date: now).date.timeIntervalSince(now)) < 1e-6)
    }

    @Test func timeTagClampsOutsideEraZero() {
        #expect(OSCTimeTag(date: Date(timeIntervalSince1970: -3e9)) == OSCTimeTag(seconds: 0, fraction: 0))
        #expect(OSCTimeTag(date: Date(timeIntervalSince1970: 3e9)) == OSCTimeTag(seconds: .max, fraction: .max))
    }

    @Test func immediately() {
        #expect(OSCTimeTag.immediately == OSCTimeTag(seconds: 0, fraction: 1))
        #expect(OSCTimeTag.immediately.isImmediate)
        #expect(OSCTimeTag.immediately.rawValue == 1)
    }

    @Test func descriptionsForLogs() {
        #expect(OSCMessage("/a/b", [.int32(1), .float32(2.5), .string("hi")]).description == "/a/b 1 2.5 \"hi\"")
    }
}
