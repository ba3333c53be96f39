import BatonCore

/// Why a training run cannot start, or stopped without finishing.
public enum TrainingError: UserFacingError {
    /// The loss became NaN or infinite; nothing was saved from that step on.
    case nonFiniteLoss(step: Int, lastCheckpoint: String?)
    case cannotSave(FileWriteError)
    case resumeMismatch(path: String, reason: String)
    /// A setting outside what training can do (`name` is the CLI option without dashes).
    case invalidSetting(name: String, value: String, allowed: String)

    public var message: String {
        switch self {
        case .nonFiniteLoss(let step, let checkpoint):
            "the training loss became NaN or infinite at step \(step)" + (checkpoint.map { "; the last good checkpoint is \($0)" } ?? "; no checkpoint was written yet")
        case .cannotSave(let error): error.message
        case .resumeMismatch(let path, let reason): "cannot resume from \(path): \(reason)"
        case .invalidSetting(let name, let value, let allowed): "training setting \(name) = \(value) is not possible: it must be \(allowed)"
        }
    }

    public var hint: String {
        switch self {
        case .nonFiniteLoss: "lower --lr, keep --clip on (default 5), and check the data for extreme values"
        case .cannotSave(let error): error.hint
        case .resumeMismatch: "resume with the same kind of data the model was trained on, or delete the stale .state.safetensors"
        case .invalidSetting: "see `baton train --help`; the ranges are in docs/formats.md, Limits"
        }
    }
}
