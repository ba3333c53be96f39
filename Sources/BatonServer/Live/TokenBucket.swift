/// A rate cap: `rate` tokens a second, at most `burst` saved up. The instrument takes one
/// per prediction, so whatever the timescale it never sends more than `rate` a second on
/// average (`LiveLimits.predictionRate`). Times are uptime nanoseconds.
struct TokenBucket: Sendable, Equatable {
    let rate: Double
    let burst: Double
    private(set) var tokens: Double
    private var last: UInt64

    init(rate: Double, burst: Double, now: UInt64) {
        self.rate = rate
        self.burst = max(1, burst)
        tokens = self.burst
        last = now
    }

    private mutating func refill(_ now: UInt64) {
        guard now > last else { return }
        tokens = min(burst, tokens + Double(now - last) / 1e9 * rate)
        last = now
    }

    /// Takes a token if one is there.
    mutating func take(now: UInt64) -> Bool {
        refill(now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token will be there (now, if one is).
    mutating func available(now: UInt64) -> UInt64 {
        refill(now)
        guard tokens < 1 else { return now }
        return Saturating.add(now, Saturating.nanoseconds((1 - tokens) / rate))
    }
}
