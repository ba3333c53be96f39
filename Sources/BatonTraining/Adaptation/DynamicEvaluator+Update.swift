import BatonCore
import Foundation

extension DynamicEvaluator {
    /// One update on the window the network just scored (Krause et al. 2018, §5 and eq. 9):
    ///
    ///   g = ∂(mean NLL of the segment)/∂θ      (truncated BPTT from the segment's start state)
    ///   MS ← β·MS + (1 − β)·g²,   M̂S = MS / (1 − βⁿ)         (n = updates so far)
    ///   θ ← θ − η·g / (√M̂S + ε) + λ·(θ₀ − θ)
    ///
    /// The paper takes MS from the training data's gradients; we keep a running average of
    /// the adaptation gradients themselves (the paper's simpler RMSprop variant), because a
    /// live model or an imported one has no training data at hand. The paper also scales λ
    /// per weight by √MS; with running statistics that would stop pulling back weights whose
    /// gradients fell silent, so λ here is the same for every weight.
    /// A segment whose gradient is not finite (an extreme event) teaches nothing.
    func adapt(predictions n: Int) {
        let count = parameters.count
        lastGradient.withUnsafeMutableBufferPointer { g in
            g.update(repeating: 0)
            parameters.withUnsafeBufferPointer { p in
                network.backward(parameters: p.baseAddress!, gradients: g.baseAddress!, scale: 1 / Float(n))
            }
        }
        var finite = true
        for value in lastGradient where !value.isFinite { finite = false; break }
        guard finite else { skippedUpdates += 1; return }
        updates += 1
        let beta = options.statisticsDecay, rate = options.rate, decay = options.decay, eps = options.epsilon
        let correction = 1 / (1 - Float(Foundation.pow(Double(beta), Double(updates))))
        parameters.withUnsafeMutableBufferPointer { p in
            originalParameters.withUnsafeBufferPointer { p0 in
                meanSquare.withUnsafeMutableBufferPointer { ms in
                    lastGradient.withUnsafeBufferPointer { g in
                        for i in 0..<count {
                            ms[i] = beta * ms[i] + (1 - beta) * g[i] * g[i]
                            let rms = (ms[i] * correction).squareRoot()
                            p[i] = p[i] - rate * g[i] / (rms + eps) + decay * (p0[i] - p[i])
                        }
                    }
                }
            }
        }
    }
}
