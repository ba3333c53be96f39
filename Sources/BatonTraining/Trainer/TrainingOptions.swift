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
    /// Global gradient-norm limit (0 = no clipping).
    public var clipNorm: Float = 5
    public var dropout: Float = 0
    public var validationFraction = 0.1
    /// Validate (and checkpoint) every this many steps; nil = twice an epoch, at most every 500.
    public var validateEvery: Int?
    /// Stop after this many validations without improvement.
    public var patience = 6
    public var maxEpochs: Int?
    public var maxMinutes: Double?
    public var seed: UInt64 = 1
    /// Threads for the matrix products (BLAS).
    public var threads = 2
    /// How the saved model stores its weights.
    public var saveDType: TensorDType = .f32

    public init() {}
}
