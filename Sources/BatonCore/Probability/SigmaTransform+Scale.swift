import Foundation

/// σ of one Gaussian dimension as the likelihood and its gradient need it, from one exp.
public struct SigmaScale: Sendable, Equatable {
    /// log σ: exact for the exp transform even where σ itself would underflow.
    public var logSigma: Double
    /// 1/σ: e^(−s) for the exp transform, so z = (x − μ)·e^(−s) never divides by a σ
    /// that underflowed to 0.
    public var inverse: Double
    /// d log σ / ds (the chain-rule factor from σ to its pre-activation s).
    public var logSlope: Double

    /// A scale from log σ, 1/σ and d log σ / ds.
    public init(logSigma: Double, inverse: Double, logSlope: Double) {
        self.logSigma = logSigma
        self.inverse = inverse
        self.logSlope = logSlope
    }
}

extension SigmaTransform {
    /// σ from its pre-activation s.
    @inline(__always)
    public func sigma(_ s: Double) -> Double {
        switch self {
        case .exp: Foundation.exp(s)
        case .elu: (s > 0 ? s + 1 : Foundation.exp(s)) + 1e-7
        }
    }

    /// log σ, 1/σ and d log σ / ds from the pre-activation s, with one exp.
    @inline(__always)
    public func scale(_ s: Double) -> SigmaScale {
        switch self {
        case .exp:
            return SigmaScale(logSigma: s, inverse: Foundation.exp(-s), logSlope: 1)
        case .elu:
            let slope = s > 0 ? 1 : Foundation.exp(s)
            let sigma = (s > 0 ? s + 1 : slope) + 1e-7
            let inverse = 1 / sigma
            return SigmaScale(logSigma: Foundation.log(sigma), inverse: inverse, logSlope: slope * inverse)
        }
    }
}
