import BatonCore
import Foundation

/// Saved states and distributions of every member, reused across lookahead rounds.
final class LookaheadScratch {
    var states: [StepperState]
    var savedLogProbabilities: [[Float]]
    let rolloutJoint = FloatBuffer(count: ModelConfig.byteVocabulary)

    init(members: Int) {
        states = Array(repeating: StepperState(), count: members)
        savedLogProbabilities = Array(repeating: [Float](repeating: 0, count: ModelConfig.byteVocabulary), count: members)
    }
}

extension TextEnsemble {
    /// Draws `candidates` first bytes from the current joint, rolls each forward `depth`
    /// bytes by sampling from the pooled distributions, scores each path by Σ log ρ, and
    /// returns the first byte of the best. Member states are restored afterwards.
    func chooseWithLookahead(_ lookahead: Lookahead, active: [Int], weights: [Float], settings: EnsembleSettings) -> Int {
        let scratch = lookaheadState
        for i in active {
            members[i].stepper.save(into: &scratch.states[i])
            for j in 0..<Self.vocabulary { scratch.savedLogProbabilities[i][j] = logProbabilities[i].pointer[j] }
        }
        var best = 0, bestScore = -Double.infinity
        for _ in 0..<lookahead.candidates {
            let first = Categorical.sampleIndex(UnsafeBufferPointer(joint.buffer), uniform: rng.nextFloat())
            var score = Foundation.log(Double(max(joint.pointer[first], .leastNonzeroMagnitude)))
            var byte = first
            var rollout = grammar
            rollout.advance(UInt8(first))
            for _ in 0..<lookahead.depth {
                let fed = byte
                parallel(active.count) { k in
                    let i = active[k]
                    members[i].withLock {
                        let logits = members[i].stepper.step(symbol: fed)
                        Softmax.logSoftmax(logits, temperature: settings.temperature, into: logProbabilities[i].pointer)
                    }
                }
                pool(active, weights: weights, pooling: settings.pooling, into: scratch.rolloutJoint.pointer)
                rollout.constrain(scratch.rolloutJoint.buffer)
                truncation.apply(scratch.rolloutJoint.buffer, topK: settings.topK, topP: settings.topP)
                byte = Categorical.sampleIndex(UnsafeBufferPointer(scratch.rolloutJoint.buffer), uniform: rng.nextFloat())
                rollout.advance(UInt8(byte))
                score += Foundation.log(Double(max(scratch.rolloutJoint.pointer[byte], .leastNonzeroMagnitude)))
            }
            if score > bestScore { bestScore = score; best = first }
            for i in active {
                members[i].withLock { members[i].stepper.restore(scratch.states[i]) }
                for j in 0..<Self.vocabulary { logProbabilities[i].pointer[j] = scratch.savedLogProbabilities[i][j] }
            }
        }
        return best
    }
}
