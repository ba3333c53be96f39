import Foundation

/// Which update rule training uses.
public enum OptimizerKind: String, Sendable, CaseIterable {
    /// Kingma & Ba 2015, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, bias-corrected.
    case adam
    /// Tieleman & Hinton 2012, decay 0.95, ε = 1e-8 (the char-rnn setting).
    case rmsprop
}

/// First-order optimiser over the flat parameter buffer. Moments share the parameters'
/// layout, so each update is one loop.
public struct Optimizer: Sendable {
    public let kind: OptimizerKind
    /// Updates taken so far (Adam's bias correction uses it).
    public internal(set) var step: Int = 0
    /// First moment (Adam) and second moment (both), one value per parameter.
    public internal(set) var firstMoment: [Float]
    public internal(set) var secondMoment: [Float]

    public init(kind: OptimizerKind, parameterCount: Int) {
        self.kind = kind
        firstMoment = [Float](repeating: 0, count: kind == .adam ? parameterCount : 0)
        secondMoment = [Float](repeating: 0, count: parameterCount)
    }

    /// Restores saved moments (for --resume; `TrainingCheckpoint` has validated them).
    public init(kind: OptimizerKind, step: Int, firstMoment: [Float], secondMoment: [Float]) {
        precondition(firstMoment.count == (kind == .adam ? secondMoment.count : 0) && step >= 0,
                     "optimizer: \(kind) with \(firstMoment.count) first and \(secondMoment.count) second moments at step \(step)")
        self.kind = kind
        self.step = step
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    /// θ ← θ − update(g) at learning rate `rate`. `weightDecay` λ shrinks the weights
    /// first, decoupled from the gradient (θ ← θ·(1 − rate·λ), AdamW: Loshchilov & Hutter 2019).
    public mutating func update(_ parameters: inout [Float], gradients: [Float], rate: Float, weightDecay: Float = 0) {
        precondition(parameters.count == gradients.count && secondMoment.count == parameters.count
                     && firstMoment.count == (kind == .adam ? parameters.count : 0),
                     "optimizer: \(parameters.count) parameters, \(gradients.count) gradients, \(firstMoment.count)/\(secondMoment.count) moments")
        step += 1
        let n = parameters.count
        let shrink = 1 - rate * weightDecay
        switch kind {
        case .adam:
            let b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8
            let c1 = 1 - Float(Foundation.pow(Double(b1), Double(step)))
            let c2 = 1 - Float(Foundation.pow(Double(b2), Double(step)))
            let stepSize = rate / c1, rootC2 = c2.squareRoot()
            parameters.withUnsafeMutableBufferPointer { p in
                gradients.withUnsafeBufferPointer { g in
                    firstMoment.withUnsafeMutableBufferPointer { m in
                        secondMoment.withUnsafeMutableBufferPointer { v in
                            for i in 0..<n {
                                m[i] = b1 * m[i] + (1 - b1) * g[i]
                                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                p[i] = p[i] * shrink - stepSize * m[i] / (v[i].squareRoot() / rootC2 + eps)
                            }
                        }
                    }
                }
            }
        case .rmsprop:
            let decay: Float = 0.95, eps: Float = 1e-8
            parameters.withUnsafeMutableBufferPointer { p in
                gradients.withUnsafeBufferPointer { g in
                    secondMoment.withUnsafeMutableBufferPointer { v in
                        for i in 0..<n {
                            v[i] = decay * v[i] + (1 - decay) * g[i] * g[i]
                            p[i] = p[i] * shrink - rate * g[i] / (v[i].squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}

/// Scales `gradients` so their global L2 norm is at most `maxNorm` (Pascanu et al. 2013).
/// Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ gradients: inout [Float], maxNorm: Float) -> Float {
    var sum = 0.0
    for g in gradients { sum += Double(g) * Double(g) }
    let norm = Float(sum.squareRoot())
    if maxNorm > 0, norm > maxNorm {
        let scale = maxNorm / norm
        for i in gradients.indices { gradients[i] *= scale }
    }
    return norm
}
