import BatonCore

/// Why a training run stopped without finishing.
public enum TrainingError: UserFacingError {
    /// The loss became NaN or infinite; nothing was saved from that step on.
    case nonFiniteLoss(step: Int, lastCheckpoint: String?)
    case cannotSave(FileWriteError)
    case resumeMismatch(path: String, reason: String)

    public var message: String {
        switch self {
        case .nonFiniteLoss(let step, let checkpoint):
            "the training loss became NaN or infinite at step \(step)" + (checkpoint.map { "; the last good checkpoint is \($0)" } ?? "; no checkpoint was written yet")
        case .cannotSave(let error): error.message
        case .resumeMismatch(let path, let reason): "cannot resume from \(path): \(reason)"
        }
    }

    public var hint: String {
        switch self {
        case .nonFiniteLoss: "lower --lr, keep --clip on (default 5), and check the data for extreme values"
        case .cannotSave(let error): error.hint
        case .resumeMismatch: "resume with the same kind of data the model was trained on"
        }
    }
}
