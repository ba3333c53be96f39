import Foundation

/// Running log-sum-exp in Double: add terms one at a time, read log Σ exp(term). Rescales
/// when a larger term arrives, so it never overflows and needs no buffer.
///
/// Edges: no terms, or only −∞ terms, give −∞ (an impossible event, not NaN); a −∞ term
/// adds nothing; a +∞ term gives +∞; a NaN term gives NaN.
public struct LogSumExp {
    /// The largest term added so far (−∞ before any).
    public private(set) var maximum = -Double.infinity
    private var sum = 0.0

    /// An empty sum, whose value is −∞.
    public init() {}

    /// Adds exp(`term`) to the sum, rescaling when `term` is the new largest.
    @inline(__always)
    public mutating func add(_ term: Double) {
        if term <= maximum {
            // exp(−∞ − (−∞)) would be NaN; a −∞ term contributes exactly 0.
            if term > -.infinity { sum += Foundation.exp(term - maximum) }
        } else if term.isNaN || maximum.isNaN {
            maximum = .nan
        } else {
            sum = maximum == -.infinity ? 1 : sum * Foundation.exp(maximum - term) + 1
            maximum = term
        }
    }

    /// log Σ exp(term) over every term added.
    public var value: Double {
        if maximum.isNaN { return .nan }
        if maximum == -.infinity || maximum == .infinity { return maximum }
        return maximum + Foundation.log(sum)
    }
}
