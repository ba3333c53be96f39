/// A snapshot of a running training job, reported after every step.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var step: Int
    /// Batch index within the epoch and batches per epoch.
    public var batch: Int, batchesPerEpoch: Int
    /// Smoothed training loss (nats per symbol).
    public var trainLoss: Double
    /// Last and best validation loss, when there has been a validation.
    public var validationLoss: Double?, bestValidationLoss: Double?
    public var learningRate: Float
    /// Predicted symbols (or events) per second over the recent steps.
    public var symbolsPerSecond: Double
    public var elapsedSeconds: Double
    /// Seconds left by the budget (minutes or epochs), when there is one.
    public var remainingSeconds: Double?
    /// True right after a validation.
    public var validated: Bool
}

/// How a training run ended.
public enum StopReason: String, Sendable {
    case epochs = "epoch budget reached"
    case steps = "step budget reached"
    case minutes = "time budget reached"
    case earlyStopping = "validation stopped improving (early stopping)"
    case interrupted = "interrupted"
}

public struct TrainingSummary: Sendable {
    public var reason: StopReason
    public var steps: Int
    public var epochs: Double
    public var bestValidationLoss: Double?
    public var elapsedSeconds: Double
    public var modelPath: String
    /// False when the run stopped before any model was written.
    public var savedModel: Bool
}
