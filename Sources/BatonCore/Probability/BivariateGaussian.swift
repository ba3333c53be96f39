import Foundation

/// One bivariate Gaussian of a stroke head (Graves 2013 eqs. 24–25): σ = exp(s),
/// ρ = tanh(r). The likelihood and sampling use the same (ρ, ω = 1 − ρ²): |ρ| is held at
/// √(1 − 1e-6), so ω ≥ 1e-6 and the density stays normalised; beyond that bound
/// (|r| ≳ 7.6) ρ no longer moves with r (`rhoIsBounded`, its gradient is 0).
public struct BivariateGaussian: Sendable {
    /// The floor on 1 − ρ² that keeps the density finite and normalised.
    public static let minimumOmega = 1e-6

    /// The component's mean offset (μx, μy) in model units.
    public var muX: Double, muY: Double
    /// log σx and log σy: the σ pre-activations themselves, since σ = exp(s).
    public var logSigmaX: Double, logSigmaY: Double
    /// 1/σx and 1/σy as e^(−s), finite even where σ would underflow.
    public var inverseSigmaX: Double, inverseSigmaY: Double
    /// The correlation ρ = tanh(r), held inside ±√(1 − `minimumOmega`).
    public var rho: Double
    /// 1 − ρ².
    public var omega: Double
    /// Whether ρ was held at its bound, so its gradient with respect to r is 0.
    public var rhoIsBounded: Bool

    /// The component from the head's raw outputs: means, σ pre-activations and ρ pre-activation.
    @inline(__always)
    public init(muX: Double, muY: Double, sigmaPreX: Double, sigmaPreY: Double, rhoPre: Double) {
        self.muX = muX
        self.muY = muY
        logSigmaX = sigmaPreX
        logSigmaY = sigmaPreY
        inverseSigmaX = Foundation.exp(-sigmaPreX)
        inverseSigmaY = Foundation.exp(-sigmaPreY)
        let r = Foundation.tanh(rhoPre)
        let w = 1 - r * r
        rhoIsBounded = !(w >= Self.minimumOmega)
        if rhoIsBounded {
            omega = Self.minimumOmega
            rho = r < 0 ? -(1 - Self.minimumOmega).squareRoot() : (1 - Self.minimumOmega).squareRoot()
        } else {
            omega = w
            rho = r
        }
    }

    /// Component `m` of a stroke head's output (layout in `StrokeMixture.Layout`).
    @inline(__always)
    public init(_ output: UnsafePointer<Float>, component m: Int, layout l: StrokeMixture.Layout) {
        self.init(muX: Double(output[l.mu + 2 * m]), muY: Double(output[l.mu + 2 * m + 1]),
                  sigmaPreX: Double(output[l.sigma + 2 * m]), sigmaPreY: Double(output[l.sigma + 2 * m + 1]),
                  rhoPre: Double(output[l.rho + m]))
    }

    /// (z₁, z₂) = ((x − μx)/σx, (y − μy)/σy).
    @inline(__always)
    public func standardised(x: Double, y: Double) -> (Double, Double) {
        (Gaussian.standardised(x, mean: muX, inverseSigma: inverseSigmaX), Gaussian.standardised(y, mean: muY, inverseSigma: inverseSigmaY))
    }

    /// log N((x, y)) = −log 2π − log σx − log σy − ½ log ω − (z₁² + z₂² − 2ρz₁z₂) / 2ω.
    @inline(__always)
    public func logDensity(x: Double, y: Double) -> Double {
        let (zx, zy) = standardised(x: x, y: y)
        let q = zx * zx + zy * zy - 2 * rho * zx * zy
        return -Gaussian.logTwoPi - logSigmaX - logSigmaY - 0.5 * Foundation.log(omega) - q / (2 * omega)
    }

    /// A point from two independent standard normal draws, both σ times `spread`:
    /// x = μx + σx z₁, y = μy + σy (ρ z₁ + √ω z₂).
    @inline(__always)
    public func point(_ z1: Double, _ z2: Double, spread: Double) -> (x: Double, y: Double) {
        let sx = Foundation.exp(logSigmaX) * spread, sy = Foundation.exp(logSigmaY) * spread
        return (muX + sx * z1, muY + sy * (rho * z1 + omega.squareRoot() * z2))
    }
}
