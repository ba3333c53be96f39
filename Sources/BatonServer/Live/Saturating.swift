/// Time arithmetic that cannot trap: durations from seconds and sums of uptime
/// nanoseconds saturate instead of overflowing (a rate of 1e-30 or a timescale of 1e30
/// means "a very long time", not a crash).
enum Saturating {
    /// The longest duration these helpers produce: about 31 years.
    static let maximumNanoseconds: UInt64 = 1 << 60

    /// `seconds` as nanoseconds, 0 for negative or NaN, saturated above.
    static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds > 0 else { return 0 }
        let value = seconds * 1e9
        guard value < Double(maximumNanoseconds) else { return maximumNanoseconds }
        return UInt64(value)
    }

    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : 0 }
}
