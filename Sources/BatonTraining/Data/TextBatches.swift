import BatonCore

/// Stateful batches over a byte stream (truncated BPTT as in char-rnn): the text is cut
/// into B contiguous streams, one per batch row, and window w of every row continues where
/// window w−1 stopped, so the LSTM state carries across windows within an epoch.
public struct TextBatches: BatchSource {
    public let steps: Int, rows: Int
    public let batchesPerEpoch: Int
    public var carriesState: Bool { true }
    private let bytes: [UInt8]
    private let streamLength: Int

    /// Uses up to `rows` streams, fewer when the text is too short for that many windows.
    public init(bytes: [UInt8], steps: Int, rows: Int, path: String, what: String) throws(DataError) {
        guard bytes.count >= steps + 1 else {
            throw .tooShort(path: path, bytes: bytes.count, needed: steps + 1, what: "the \(what) (bytes)")
        }
        let usableRows = max(1, min(rows, bytes.count / (steps + 1)))
        self.steps = steps
        self.rows = usableRows
        self.bytes = bytes
        streamLength = bytes.count / usableRows
        batchesPerEpoch = (streamLength - 1) / steps
    }

    public func batch(epoch: Int, index w: Int, rng: inout SeededGenerator) -> TrainingBatch {
        precondition(w < batchesPerEpoch, "text batch \(w) of \(batchesPerEpoch)")
        var batch = TrainingBatch(steps: steps, rows: rows)
        batch.inputSymbols = [Int32](repeating: 0, count: steps * rows)
        batch.targetSymbols = batch.inputSymbols
        for b in 0..<rows {
            let start = b * streamLength + w * steps
            for t in 0..<steps {
                batch.inputSymbols[t * rows + b] = Int32(bytes[start + t])
                batch.targetSymbols[t * rows + b] = Int32(bytes[start + t + 1])
            }
        }
        return batch
    }

    public var symbolsPerBatch: Int { steps * rows }
}
