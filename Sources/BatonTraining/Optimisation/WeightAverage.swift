/// An exponential moving average of the weights over the optimiser's steps: what
/// validation scores and what the saved model holds when averaging is on.
///
/// Averaged iterates generalise better than the last one (Polyak & Juditsky 1992; AWD-LSTM
/// averages with NT-ASGD). The decay warms up as min(β, (1 + t)/(10 + t)) after t updates
/// (TensorFlow's `ExponentialMovingAverage` with `num_updates`), so a short run is not
/// averaged with its random initialisation.
public struct WeightAverage: Sendable {
    /// β, the decay per step once warmed up.
    public let decay: Double
    public internal(set) var values: [Float]
    public internal(set) var updates: Int

    /// Starts from `parameters` (the weights before the first update).
    public init(decay: Double, parameters: [Float], updates: Int = 0) {
        precondition(decay > 0 && decay < 1, "WeightAverage: decay \(decay) outside (0, 1)")
        self.decay = decay
        self.values = parameters
        self.updates = updates
    }

    /// The decay the next update uses.
    public var currentDecay: Float { Float(min(decay, Double(1 + updates + 1) / Double(10 + updates + 1))) }

    /// θ̄ ← θ̄ + (1 − β_t)(θ − θ̄), after each optimiser step.
    public mutating func update(with parameters: [Float]) {
        precondition(parameters.count == values.count, "WeightAverage: \(parameters.count) parameters for \(values.count) averages")
        let mix = 1 - currentDecay
        updates += 1
        values.withUnsafeMutableBufferPointer { a in
            parameters.withUnsafeBufferPointer { p in
                for i in 0..<a.count { a[i] += mix * (p[i] - a[i]) }
            }
        }
    }
}
