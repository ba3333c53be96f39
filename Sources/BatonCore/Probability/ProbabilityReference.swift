import Foundation

/// Naive twins of the probability kernels: written straight from the definitions, in
/// Double, on arrays, with no care for speed. Tests compare the fast paths against these.
public enum ProbabilityReference {
    /// softmax(logits / τ)_j = exp(l_j/τ − M) / Σ_i exp(l_i/τ − M), M the largest l/τ.
    public static func softmax(_ logits: [Double], temperature: Double = 1) -> [Double] {
        let scaled = logits.map { $0 / temperature }
        let m = scaled.max() ?? 0
        let e = scaled.map { Foundation.exp($0 - m) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// log Σ exp(terms); −∞ for no terms or only −∞ terms.
    public static func logSumExp(_ terms: [Double]) -> Double {
        guard let m = terms.max(), m > -.infinity else { return -.infinity }
        return m + Foundation.log(terms.reduce(0) { $0 + Foundation.exp($1 - m) })
    }

    /// log softmax(logits / temperature), written plainly as the check for `Softmax.logSoftmax`.
    public static func logSoftmax(_ logits: [Double], temperature: Double = 1) -> [Double] {
        let scaled = logits.map { $0 / temperature }
        let normaliser = logSumExp(scaled)
        return scaled.map { $0 - normaliser }
    }

    /// −log softmax(z)_y and its gradient softmax(z) − onehot(y).
    public static func crossEntropy(_ logits: [Double], target y: Int) -> (loss: Double, gradient: [Double]) {
        var gradient = softmax(logits)
        gradient[y] -= 1
        return (-logSoftmax(logits)[y], gradient)
    }

    /// The first index whose cumulative weight exceeds u · Σ weights; past the end, the
    /// last index with positive weight.
    public static func sampleIndex(_ weights: [Double], uniform u: Double) -> Int {
        let target = u * weights.reduce(0, +)
        var cumulative = 0.0
        for (i, w) in weights.enumerated() where w > 0 {
            cumulative += w
            if cumulative > target { return i }
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }

    /// Top-k then top-p by sorting every entry (probability descending, index ascending).
    public static func truncate(_ p: [Double], topK: Int, topP: Double) -> [Double] {
        let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        let total = p.reduce(0, +)
        let k = topK > 0 ? min(topK, p.count) : p.count
        var kept: [Int] = [], mass = 0.0
        for i in order.prefix(k) {
            kept.append(i)
            mass += p[i]
            if topP < 1, mass >= topP * total { break }
        }
        var out = [Double](repeating: 0, count: p.count)
        for i in kept { out[i] = p[i] / mass }
        return out
    }

    /// σ from its pre-activation, as the two conventions define it.
    public static func sigma(_ s: Double, _ transform: SigmaTransform) -> Double {
        switch transform {
        case .exp: Foundation.exp(s)
        case .elu: (s > 0 ? s : Foundation.exp(s) - 1) + 1 + 1e-7  // elu(s) + 1 + 1e-7
        }
    }

    /// The normal density itself, not its log.
    public static func normalDensity(_ x: Double, mean: Double, sigma: Double) -> Double {
        Foundation.exp(-(x - mean) * (x - mean) / (2 * sigma * sigma)) / (sigma * (2 * Double.pi).squareRoot())
    }

    /// log Σ_m π_m Π_j N(x_j; μ_mj, σ_mj) of a mixture-density head output, summed in
    /// probability space.
    public static func mixtureDensityLogLikelihood(_ output: [Float], x: [Float], dims d: Int, mixtures k: Int, sigma transform: SigmaTransform) -> Double {
        let pi = softmax(output[(2 * k * d)..<(2 * k * d + k)].map(Double.init))
        var density = 0.0
        for m in 0..<k {
            var component = pi[m]
            for j in 0..<d {
                component *= normalDensity(Double(x[j]), mean: Double(output[m * d + j]), sigma: sigma(Double(output[k * d + m * d + j]), transform))
            }
            density += component
        }
        return Foundation.log(density)
    }

    /// The bivariate normal density through its covariance matrix Σ = [[σx², ρσxσy],
    /// [ρσxσy, σy²]]: exp(−½ dᵀΣ⁻¹d) / (2π √det Σ).
    public static func bivariateDensity(x: Double, y: Double, muX: Double, muY: Double, sigmaX: Double, sigmaY: Double, rho: Double) -> Double {
        let a = sigmaX * sigmaX, b = rho * sigmaX * sigmaY, c = sigmaY * sigmaY
        let det = a * c - b * b
        let dx = x - muX, dy = y - muY
        let quadratic = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det
        return Foundation.exp(-0.5 * quadratic) / (2 * Double.pi * det.squareRoot())
    }

    /// log p(dx, dy, pen) of a stroke head output, summed in probability space, ρ = tanh.
    public static func strokeLogLikelihood(_ output: [Float], point: [Float], mixtures k: Int) -> Double {
        let pi = softmax(output[(5 * k)..<(6 * k)].map(Double.init))
        var density = 0.0
        for m in 0..<k {
            density += pi[m] * bivariateDensity(
                x: Double(point[0]), y: Double(point[1]), muX: Double(output[2 * m]), muY: Double(output[2 * m + 1]),
                sigmaX: Foundation.exp(Double(output[2 * k + 2 * m])), sigmaY: Foundation.exp(Double(output[2 * k + 2 * m + 1])),
                rho: Foundation.tanh(Double(output[4 * k + m])))
        }
        let lift = 1 / (1 + Foundation.exp(-Double(output[6 * k])))
        return Foundation.log(density) + Foundation.log(point[2] >= 0.5 ? lift : 1 - lift)
    }

    /// A point of a bivariate normal from two standard normal draws through the Cholesky
    /// factor of Σ · spread²: x = μx + σx s z₁, y = μy + σy s (ρ z₁ + √(1 − ρ²) z₂).
    public static func bivariatePoint(_ z1: Double, _ z2: Double, muX: Double, muY: Double, sigmaX: Double, sigmaY: Double,
                                      rho: Double, spread: Double) -> (Double, Double) {
        let l11 = sigmaX * spread, l21 = rho * sigmaY * spread, l22 = sigmaY * spread * (1 - rho * rho).squareRoot()
        return (muX + l11 * z1, muY + l21 * z1 + l22 * z2)
    }
}
