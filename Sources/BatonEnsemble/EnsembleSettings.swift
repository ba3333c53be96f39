/// How an ensemble combines its members' predictions (Akten & Grierson 2016, and beyond).
public enum Pooling: String, Sendable, CaseIterable {
    /// ρ = Σ πᵢ yᵢ / |Σ πᵢ yᵢ|₁: the original rule. A confident ("spiking") model can
    /// overpower the others.
    case linear
    /// ρ ∝ Π yᵢ^πᵢ (product of experts, in log space): every member must agree.
    case product
}

/// Lookahead sampling (the paper's planned beam search): draw `candidates` next symbols,
/// roll each forward `depth` steps by sampling, keep the one whose path has the highest
/// summed log ρ.
public struct Lookahead: Sendable, Equatable {
    /// Next symbols drawn and compared at each step (at least 1).
    public var candidates: Int
    /// Steps each candidate is rolled forward before they are scored (0: score the candidate alone).
    public var depth: Int

    /// Lookahead over `candidates` symbols, `depth` steps deep; out-of-range values are clamped.
    public init(candidates: Int, depth: Int) {
        self.candidates = max(1, candidates)
        self.depth = max(0, depth)
    }
}

/// Everything a performer can change between any two steps.
public struct EnsembleSettings: Sendable, Equatable {
    /// One non-negative weight per member, in model order; normalised when used.
    public var weights: [Float]
    /// Applied to every member's distribution before pooling (text: logits / τ).
    public var temperature: Float = 1
    /// Text: after pooling, sample only from the k most probable bytes (0 = all) and of
    /// those the fewest whose mass reaches `topP` (1 = all), as `SamplingOptions` does.
    public var topK: Int = 0
    /// Text: the nucleus mass kept after pooling (1 keeps every byte).
    public var topP: Float = 1
    /// How members' distributions combine: linear mixture or product of experts.
    public var pooling: Pooling = .linear
    /// Members whose normalised weight is below this are skipped (not stepped) until they
    /// rise above it again; they then catch up on what they missed.
    public var threshold: Float = 0.05
    /// Text: pick each byte by lookahead over sampled futures instead of one draw (nil: off).
    public var lookahead: Lookahead?
    /// Continuous ensembles: divides each member's π logits, and scales variances.
    public var piTemperature: Float = 1
    /// Continuous ensembles: multiplies each component's variance (1 leaves it as trained).
    public var sigmaTemperature: Float = 1

    /// Default settings with one weight per member.
    public init(weights: [Float]) { self.weights = weights }

    /// Weights clamped at 0 and normalised to sum 1 (uniform when they are all 0).
    public var normalisedWeights: [Float] {
        let clean = weights.map { $0.isFinite ? max($0, 0) : 0 }
        let total = clean.reduce(0, +)
        return total > 0 ? clean.map { $0 / total } : [Float](repeating: 1 / Float(max(weights.count, 1)), count: weights.count)
    }

    /// Members that take part in the next step: normalised weight ≥ threshold, and at least
    /// the heaviest member. Their weights, renormalised over the active set, are returned too.
    public func activeMembers() -> (indices: [Int], weights: [Float]) {
        let w = normalisedWeights
        var active = w.indices.filter { w[$0] > 0 && w[$0] >= threshold }
        if active.isEmpty, let heaviest = w.indices.max(by: { w[$0] < w[$1] }) { active = [heaviest] }
        let total = active.reduce(Float(0)) { $0 + w[$1] }
        return (active, active.map { total > 0 ? w[$0] / total : 1 / Float(active.count) })
    }
}
