import BatonCore

/// Training windows over sequences of continuous events (control or strokes).
///
/// Training: each batch row is a window of T+1 consecutive events starting at a random
/// event (positions drawn uniformly over all predictable events), run from the zero state,
/// as IMPS trains on fixed-length slices. Validation: every sequence cut into consecutive
/// windows from its start, so every predicted event is scored once.
/// Positions past a sequence's end are padding with weight 0.
public struct SequenceWindows: BatchSource {
    public let steps: Int, rows: Int
    public let batchesPerEpoch: Int
    public var carriesState: Bool { false }
    public var symbolsPerBatch: Int { steps * rows }
    let set: SequenceSet
    let random: Bool
    /// Validation: (sequence, first event) of every window, in order.
    let windows: [(Int, Int)]
    /// Cumulative predictable events per sequence, for uniform sampling of start positions.
    let cumulative: [Int]

    /// `set` must already be in model (normalised) units.
    public init(set: SequenceSet, steps: Int, rows: Int, random: Bool) {
        precondition(set.sequenceCount > 0, "SequenceWindows: no sequences")
        self.set = set
        self.steps = steps
        self.random = random
        var cumulative = [0]
        for s in 0..<set.sequenceCount { cumulative.append(cumulative.last! + max(0, set.length(s) - 1)) }
        self.cumulative = cumulative
        if random {
            windows = []
            self.rows = rows
            batchesPerEpoch = max(1, (cumulative.last! + rows * steps - 1) / (rows * steps))
        } else {
            var list: [(Int, Int)] = []
            for s in 0..<set.sequenceCount {
                var start = 0
                while start < set.length(s) - 1 { list.append((s, start)); start += steps }
            }
            windows = list
            self.rows = max(1, min(rows, list.count))
            batchesPerEpoch = (list.count + self.rows - 1) / self.rows
        }
    }

    public func batch(epoch: Int, index: Int, rng: inout SeededGenerator) -> TrainingBatch {
        let d = set.dims
        var batch = TrainingBatch(steps: steps, rows: rows)
        batch.inputVectors = [Float](repeating: 0, count: steps * rows * d)
        batch.targetVectors = batch.inputVectors
        batch.weights = [Float](repeating: 0, count: steps * rows)
        for b in 0..<rows {
            let (s, start): (Int, Int)
            if random {
                let position = Int(rng.next() % UInt64(cumulative.last!))
                var lo = 0, hi = set.sequenceCount - 1
                while lo < hi {  // last sequence whose cumulative start ≤ position
                    let mid = (lo + hi + 1) / 2
                    if cumulative[mid] <= position { lo = mid } else { hi = mid - 1 }
                }
                (s, start) = (lo, position - cumulative[lo])
            } else {
                let w = index * rows + b
                guard w < windows.count else { continue }
                (s, start) = windows[w]
            }
            let first = set.offsets[s] + start, end = set.offsets[s + 1]
            for t in 0..<steps where first + t + 1 < end {
                let r = t * rows + b
                for j in 0..<d {
                    batch.inputVectors[r * d + j] = set.values[(first + t) * d + j]
                    batch.targetVectors[r * d + j] = set.values[(first + t + 1) * d + j]
                }
                batch.weights![r] = 1
            }
        }
        return batch
    }
}
