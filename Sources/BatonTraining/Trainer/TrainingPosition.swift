/// Where a run stands: enough to continue it exactly where it left off.
public struct TrainingPosition: Sendable, Codable, Equatable {
    public var epoch = 0
    /// Next batch index within the epoch.
    public var batch = 0
    public var step = 0
    public var learningRate: Float
    public var bestValidation: Double?
    public var lastValidation: Double?
    public var validationsWithoutImprovement = 0
    public var seconds = 0.0
    /// Whether the best-model file has been written by this run (or the one resumed).
    public var savedModel = false
    /// Updates folded into the weight average (nil when averaging was off).
    public var averageUpdates: Int?

    public init(learningRate: Float) { self.learningRate = learningRate }

    /// Continues the run into a new model file: no best validation yet and nothing saved,
    /// so the next validation writes the new file (step, epoch and learning rate stay).
    public mutating func startNewRecord() {
        bestValidation = nil
        validationsWithoutImprovement = 0
        savedModel = false
    }

    /// Why a position read from a checkpoint cannot be continued from, or nil when it can.
    /// Counters are non-negative and below 2⁵³ (they are stored as JSON numbers), rates and
    /// times finite, losses finite.
    public var problem: String? {
        let limit = 1 << 53
        for (name, value) in [("epoch", epoch), ("batch", batch), ("step", step),
                              ("validationsWithoutImprovement", validationsWithoutImprovement)] where !(0..<limit).contains(value) {
            return "\(name) = \(value) is out of range"
        }
        if let averageUpdates, !(0..<limit).contains(averageUpdates) { return "averageUpdates = \(averageUpdates) is out of range" }
        guard learningRate.isFinite, learningRate > 0 else { return "learning rate \(learningRate) is not a positive number" }
        guard seconds.isFinite, seconds >= 0 else { return "seconds = \(seconds) is not a duration" }
        for (name, loss) in [("best validation", bestValidation), ("last validation", lastValidation)] {
            if let loss, !loss.isFinite { return "\(name) loss \(loss) is not finite" }
        }
        return nil
    }
}
