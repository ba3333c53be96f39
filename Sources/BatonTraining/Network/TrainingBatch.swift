/// One training window for all batch rows, time-major (index = t·B + b).
///
/// Text fills `inputSymbols`/`targetSymbols`; continuous models fill `inputVectors`/
/// `targetVectors` with D values per position, already in model (normalised) units.
public struct TrainingBatch: Sendable {
    /// T and B.
    public var steps: Int, rows: Int
    public var inputSymbols: [Int32] = []
    public var targetSymbols: [Int32] = []
    public var inputVectors: [Float] = []
    public var targetVectors: [Float] = []
    /// Per position 1 (counts towards the loss) or 0 (padding). Nil: every position counts.
    public var weights: [Float]?

    public init(steps: Int, rows: Int) {
        self.steps = steps
        self.rows = rows
    }

    public var positions: Int { steps * rows }

    /// Positions that count towards the loss.
    public var countedPositions: Double {
        weights.map { $0.reduce(0) { $0 + Double($1) } } ?? Double(positions)
    }
}
