import Foundation

/// A seedable, reproducible random number generator: xoshiro256** (Blackman & Vigna 2018),
/// its state filled from the seed by SplitMix64 so that nearby seeds give unrelated streams.
///
/// Every random choice in Baton (initialisation, dropout, batching, sampling) draws from one
/// of these, injected by the caller, so a run with the same seed replays exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Standard normal by the Box–Muller transform (one value per call; no cached twin, so
    /// the stream position depends only on the number of calls).
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextDouble()  // (0, 1]: log is finite
        let u2 = nextDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * .pi * u2)
    }

    /// A new generator whose stream is independent of this one's (for worker threads).
    public mutating func split() -> SeededGenerator {
        SeededGenerator(seed: next())
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }
}
