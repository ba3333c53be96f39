import Foundation

/// Running log-sum-exp: add terms one at a time, read log Σ exp(term). Rescales when a
/// larger term arrives, so it never overflows and needs no buffer.
public struct LogSumExp {
    public private(set) var maximum = -Double.infinity
    private var sum = 0.0

    public init() {}

    @inline(__always)
    public mutating func add(_ term: Double) {
        if term <= maximum {
            sum += Foundation.exp(term - maximum)
        } else {
            sum = sum * Foundation.exp(maximum - term) + 1
            maximum = term
        }
    }

    public var value: Double { maximum == -.infinity ? -.infinity : maximum + Foundation.log(sum) }
}
