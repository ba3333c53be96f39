import BatonCore

/// How the learning rate moves during training.
public enum LearningRateSchedule: String, Sendable, CaseIterable {
    case constant
    /// Cosine decay to 10 % over the budget (epochs or minutes); constant without one.
    case cosine
    /// Halve after two validations without improvement (ReduceLROnPlateau).
    case plateau
}

/// Everything that shapes a training run besides the model and the data.
public struct TrainingOptions: Sendable {
    public var batchSize = 64
    /// T, the BPTT window in steps.
    public var window = 128
    public var learningRate: Float = 2e-3
    /// When resuming, replace the checkpoint's current learning rate with `learningRate`.
    public var overrideLearningRate = false
    public var optimizer: OptimizerKind = .adam
    public var schedule: LearningRateSchedule = .plateau
    /// Where the cosine schedule ends, as a fraction of `learningRate`.
    public var finalRateFraction: Float = 0.1
    /// Linear warm-up of the rate over the first steps of a run.
    public var warmupSteps = 0
    /// Global gradient-norm limit (0 = no clipping).
    public var clipNorm: Float = 5
    /// Dropout on the non-recurrent connections (between layers and before the head).
    public var dropout: Float = 0
    /// One dropout mask per row and window instead of per position (variational dropout).
    public var lockedDropout = false
    /// DropConnect on the recurrent weights W_hh.
    public var weightDrop: Float = 0
    /// Text: drop whole symbols' input (embedding dropout).
    public var symbolDropout: Float = 0
    /// Decoupled weight decay λ (AdamW).
    public var weightDecay: Float = 0
    /// Decay β of the weight average that validation scores and the model file keeps (0 = off).
    public var averaging: Double = 0
    public var validationFraction = 0.1
    /// Validate (and checkpoint) every this many steps; nil = twice an epoch, at most every
    /// 500, and never so often that validation takes more than about a tenth of the time.
    public var validateEvery: Int?
    /// Validate exactly at these steps (and at the end) instead; for benchmarks.
    public var validationSteps: Set<Int>?
    /// Whether `maxMinutes` and the schedule count validation time (the wall clock) or only
    /// the training steps (benchmarks comparing trainers that validate at different speeds).
    public var budgetIncludesValidation = true
    /// Stop after this many validations without improvement.
    public var patience = 6
    public var maxEpochs: Int?
    /// Stop after this many optimiser steps in all (benchmarks: a schedule independent of speed).
    public var maxSteps: Int?
    public var maxMinutes: Double?
    public var seed: UInt64 = 1
    /// Threads for the matrix products (BLAS).
    public var threads = 2
    /// How the saved model stores its weights.
    public var saveDType: TensorDType = .f32

    public init() {}

    /// The dropout a training network applies for these options.
    public var dropoutSettings: DropoutSettings {
        DropoutSettings(layers: dropout, locked: lockedDropout, recurrentWeights: weightDrop, symbols: symbolDropout)
    }

    /// Batch rows × window steps per batch at most: activations grow with it (about
    /// 4 bytes × 10 × units per position and layer).
    public static let maximumPositionsPerBatch = 1 << 20

    /// Refuses settings training cannot run with (the CLI and the Workshop both call it,
    /// and `Trainer.run` does before it starts). Names are the CLI's options.
    public func validate() throws(TrainingError) {
        func check(_ ok: Bool, _ name: String, _ value: CustomStringConvertible, _ allowed: String) throws(TrainingError) {
            guard ok else { throw .invalidSetting(name: name, value: value.description, allowed: allowed) }
        }
        try check((1...4096).contains(batchSize), "batch", batchSize, "1–4096")
        try check((1...16384).contains(window), "window", window, "1–16384")
        try check(batchSize * window <= Self.maximumPositionsPerBatch, "batch × window", batchSize * window,
                  "at most \(Self.maximumPositionsPerBatch) positions per batch")
        try check(learningRate.isFinite && learningRate > 0, "lr", learningRate, "a positive number")
        try check(clipNorm.isFinite && clipNorm >= 0, "clip", clipNorm, "0 (off) or a positive number")
        try check(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)")
        try check(validationFraction > 0 && validationFraction < 0.9, "validation", validationFraction, "in (0, 0.9)")
        try check(validateEvery.map { $0 >= 1 } ?? true, "validate-every", validateEvery ?? 0, "1 or more steps")
        try check(patience >= 1, "patience", patience, "1 or more validations")
        try check(maxEpochs.map { $0 >= 1 } ?? true, "epochs", maxEpochs ?? 0, "1 or more")
        try check(maxMinutes.map { $0.isFinite && $0 > 0 } ?? true, "minutes", maxMinutes ?? 0, "a positive number")
        try check((1...256).contains(threads), "threads", threads, "1–256")
        try check(weightDrop >= 0 && weightDrop < 1, "weight-drop", weightDrop, "in [0, 1)")
        try check(symbolDropout >= 0 && symbolDropout < 1, "symbol-dropout", symbolDropout, "in [0, 1)")
        try check(weightDecay.isFinite && weightDecay >= 0, "weight-decay", weightDecay, "0 (off) or a positive number")
        try check(averaging >= 0 && averaging < 1, "average", averaging, "in [0, 1)")
        try check(warmupSteps >= 0, "warmup", warmupSteps, "0 or more steps")
    }
}
