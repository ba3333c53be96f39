import Foundation

/// Univariate and diagonal Gaussians in log space (Bishop 1994 for the mixture heads).
/// Legend: D dimensions; σ from a pre-activation s through a `SigmaTransform`.
public enum Gaussian {
    /// log 2π.
    public static let logTwoPi = 1.837_877_066_409_345_5

    /// z = (x − μ) · (1/σ); exactly 0 at x = μ even when 1/σ overflows.
    @inline(__always)
    public static func standardised(_ x: Double, mean: Double, inverseSigma: Double) -> Double {
        let d = x - mean
        return d == 0 ? 0 : d * inverseSigma
    }

    /// log N(x; μ, σ²) from z and log σ: −z²/2 − log σ − log(2π)/2.
    @inline(__always)
    public static func logDensity(standardised z: Double, logSigma: Double) -> Double {
        -0.5 * z * z - logSigma - 0.5 * logTwoPi
    }

    /// What a loss keeps of one dimension for its gradient.
    public struct Term: Sendable {
        /// The standardised residual (x − μ)/σ.
        public var z: Double
        /// σ with the values its gradient needs.
        public var sigma: SigmaScale
        /// A term from its residual and σ.
        public init(z: Double, sigma: SigmaScale) {
            self.z = z
            self.sigma = sigma
        }

        /// z = 0, σ = 1: a placeholder for scratch buffers.
        public static let unit = Term(z: 0, sigma: SigmaScale(logSigma: 0, inverse: 1, logSlope: 1))
    }

    /// log N(x; μ, diag σ²) over `dims` dimensions, σ_j from `sigmaPre[j]`. When `terms` is
    /// given, writes each dimension's z and σ there.
    @inline(__always)
    public static func logDensity(
        x: UnsafePointer<Float>, mean: UnsafePointer<Float>, sigmaPre: UnsafePointer<Float>, dims d: Int,
        transform: SigmaTransform, terms: UnsafeMutablePointer<Term>? = nil
    ) -> Double {
        var total = 0.0
        for j in 0..<d {
            let sigma = transform.scale(Double(sigmaPre[j]))
            let z = standardised(Double(x[j]), mean: Double(mean[j]), inverseSigma: sigma.inverse)
            total += logDensity(standardised: z, logSigma: sigma.logSigma)
            terms?[j] = Term(z: z, sigma: sigma)
        }
        return total
    }
}
