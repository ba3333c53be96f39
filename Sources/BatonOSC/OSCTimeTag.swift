import Foundation

/// An OSC Time Tag: a 64-bit NTP timestamp (OSC 1.0, "Time tags").
///
/// "The first 32 bits specify the number of seconds since midnight on January 1, 1900,
/// and the last 32 bits specify fractional parts of a second to a precision of about 200
/// picoseconds." The value (0, 1) — 63 zero bits and a one — means "immediately".
///
/// Conversions to and from `Date` use NTP era 0 only (1900-01-01 to 2036-02-07);
/// dates outside it are clamped to its ends.
public struct OSCTimeTag: Equatable, Hashable, Sendable {
    /// Whole seconds since 1900-01-01 00:00:00 UTC.
    public var seconds: UInt32
    /// Fractions of a second, in units of 2⁻³² s.
    public var fraction: UInt32

    /// The special time tag that means "execute immediately" (OSC 1.0, "Time tags").
    public static let immediately = OSCTimeTag(seconds: 0, fraction: 1)

    /// Seconds from the NTP epoch (1900) to the Unix epoch (1970), RFC 868 / RFC 5905.
    static let secondsFrom1900To1970: Double = 2_208_988_800

    private static let fractionScale: Double = 4_294_967_296  // 2³²

    /// A time tag from its two NTP halves: seconds since 1900 and 2⁻³² s fractions.
    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// The time tag for `date`, truncated to the 2⁻³² s grid (as python-osc and liblo do).
    public init(date: Date) {
        let ntp = date.timeIntervalSince1970 + Self.secondsFrom1900To1970
        guard ntp.isFinite, ntp > 0 else {
            self.init(seconds: 0, fraction: 0)
            return
        }
        guard ntp < Self.fractionScale else {
            self.init(seconds: .max, fraction: .max)
            return
        }
        let whole = ntp.rounded(.down)
        let fraction = ((ntp - whole) * Self.fractionScale).rounded(.down)
        self.init(seconds: UInt32(whole), fraction: UInt32(min(fraction, Self.fractionScale - 1)))
    }

    /// The moment this time tag names. `immediately` has no moment of its own: callers
    /// should test for it before converting (it maps to 1900-01-01 plus 2⁻³² s).
    public var date: Date {
        let ntp = Double(seconds) + Double(fraction) / Self.fractionScale
        return Date(timeIntervalSince1970: ntp - Self.secondsFrom1900To1970)
    }

    /// The 64-bit wire value: seconds in the high 32 bits, fraction in the low 32 bits.
    public var rawValue: UInt64 {
        UInt64(seconds) << 32 | UInt64(fraction)
    }

    /// The time tag with the 64-bit wire value `rawValue`.
    public init(rawValue: UInt64) {
        self.init(seconds: UInt32(truncatingIfNeeded: rawValue >> 32), fraction: UInt32(truncatingIfNeeded: rawValue))
    }

    /// Whether this is the special "immediately" tag.
    public var isImmediate: Bool { self == .immediately }
}

extension OSCTimeTag: CustomStringConvertible {
    /// "immediately", or the NTP seconds and fraction.
    public var description: String {
        isImmediate ? "immediately" : "\(seconds).\(fraction)/2^32 NTP"
    }
}
