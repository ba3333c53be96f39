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
}
