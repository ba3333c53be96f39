import BatonCore

/// Where training windows come from: text streams, or windows of control or stroke
/// sequences. An epoch is `batchesPerEpoch` calls of `batch(epoch:index:rng:)`.
public protocol BatchSource {
    /// T and B of every batch.
    var steps: Int { get }
    var rows: Int { get }
    var batchesPerEpoch: Int { get }
    /// True when window w+1 continues window w in every row (state carries forward);
    /// false when each window starts from the zero state.
    var carriesState: Bool { get }
    /// Predicted symbols or events per batch (for throughput).
    var symbolsPerBatch: Int { get }
    func batch(epoch: Int, index: Int, rng: inout SeededGenerator) -> TrainingBatch
}
