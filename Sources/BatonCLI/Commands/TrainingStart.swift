import BatonCore
import BatonTraining

/// A fresh model, or the one (and the checkpoint) named by --resume.
struct TrainingStart {
    var model: Model
    var checkpoint: TrainingCheckpoint?

    static func resolve(fresh: Model, resume: String?, kind: ModelKind) throws -> TrainingStart {
        guard let resume else { return TrainingStart(model: fresh, checkpoint: nil) }
        if let checkpoint = try TrainingCheckpoint.load(paths: TrainingPaths(model: resume)) {
            guard checkpoint.model.config.kind == kind else {
                throw TrainingError.resumeMismatch(path: resume, reason: "it is a \(checkpoint.model.config.kind.rawValue) model")
            }
            Terminal.writeError("resuming from \(TrainingPaths(model: resume).state) at step \(checkpoint.position.step)\n")
            return TrainingStart(model: checkpoint.model, checkpoint: checkpoint)
        }
        let model = try Model.load(path: resume)
        guard model.config.kind == kind else {
            throw TrainingError.resumeMismatch(path: resume, reason: "it is a \(model.config.kind.rawValue) model")
        }
        Terminal.writeError("continuing from the weights in \(resume) (no checkpoint beside it: fresh optimiser)\n")
        return TrainingStart(model: model, checkpoint: nil)
    }
}
