import BatonCore

/// DropConnect on the recurrent weights (Wan et al. 2013), as AWD-LSTM regularises its
/// LSTMs (Merity, Keskar & Socher 2018): one Bernoulli mask over W_hh per window, shared by
/// every row and time step, with inverted scaling so inference uses W_hh unchanged. It
/// regularises the recurrence without touching the cell: the fused products just read the
/// masked copy, and ∂W_hh passes back through the same mask.
extension LSTMLayer {
    /// The W_hh `[4H, H]` the current window runs on: the masked copy while weights are
    /// dropped, the parameters themselves otherwise.
    @inline(__always)
    func recurrentWeights(_ p: UnsafePointer<Float>) -> UnsafePointer<Float> {
        recurrentWeightsDropped ? UnsafePointer(droppedRecurrent!.pointer) : p + weightHH
    }

    /// Draws a fresh mask (keep probability `keep`) and the masked copy for the next window;
    /// `keep == nil` runs on W_hh itself (validation, or no DropConnect).
    func prepareRecurrentWeights(parameters p: UnsafePointer<Float>, keep: Float?, rng: inout SeededGenerator) {
        guard let keep, keep < 1, let mask = recurrentMask?.pointer, let dropped = droppedRecurrent?.pointer else {
            recurrentWeightsDropped = false
            return
        }
        let count = 4 * units * units, w = p + weightHH
        DropoutMask.fill(mask, count: count, keep: keep, rng: &rng)
        for i in 0..<count { dropped[i] = w[i] * mask[i] }
        recurrentWeightsDropped = true
    }
}
