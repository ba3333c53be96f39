import BatonCore
import BatonTraining
import Foundation

/// A fresh model, or the one (and the checkpoint) named by --resume.
struct TrainingStart {
    var model: Model
    var checkpoint: TrainingCheckpoint?

    /// `out` is where this run writes: resuming into another file starts that file's
    /// record afresh (its first validation writes it), keeping the weights and optimiser.
    static func resolve(fresh: Model, resume: String?, out: String, kind: ModelKind) throws -> TrainingStart {
        guard let resume else { return TrainingStart(model: fresh, checkpoint: nil) }
        let paths = TrainingPaths(model: resume)
        // The model file, when there is one, says which architecture the checkpoint must have.
        let model = FileManager.default.fileExists(atPath: resume) ? try Model.load(path: resume) : nil
        if let checkpoint = try TrainingCheckpoint.load(paths: paths, resuming: model?.config) {
            guard checkpoint.model.config.kind == kind else {
                throw TrainingError.resumeMismatch(path: resume, reason: "it is a \(checkpoint.model.config.kind.rawValue) model")
            }
            Terminal.writeError("resuming from \(paths.state) at step \(checkpoint.position.step)\n")
            var checkpoint = checkpoint
            if !Self.isSameFile(resume, out) { checkpoint.position.startNewRecord() }
            return TrainingStart(model: checkpoint.model, checkpoint: checkpoint)
        }
        guard let model else { throw ModelFileError.unreadable(path: resume, reason: "no such file, and no \(paths.state) beside it") }
        guard model.config.kind == kind else {
            throw TrainingError.resumeMismatch(path: resume, reason: "it is a \(model.config.kind.rawValue) model")
        }
        Terminal.writeError("continuing from the weights in \(resume) (no checkpoint beside it: fresh optimiser)\n")
        return TrainingStart(model: model, checkpoint: nil)
    }

    static func isSameFile(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }
}
