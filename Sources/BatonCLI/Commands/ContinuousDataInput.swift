import BatonCore
import BatonTraining
import Foundation

/// Reads control or stroke data in any of the forms Baton accepts: an `.npz` of sequences
/// (flat `data` + `lengths`, optional `train_`/`valid_` prefixes), a plain CSV with a header
/// (one sequence), or a folder of IMPS session logs.
enum ContinuousDataInput {
    struct Loaded {
        var train: SequenceSet
        /// The file's own validation part (`valid_data`), when it has one.
        var validation: SequenceSet?
        var description: String
    }

    static func load(_ path: String) throws -> Loaded {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DataError.unreadable(path: path, reason: "no such file or folder")
        }
        if isFolder.boolValue {
            let (events, files) = try InteractionLogs.dataset(folder: path)
            return Loaded(train: events, validation: nil, description: "\(files) session logs")
        }
        if path.lowercased().hasSuffix(".csv") {
            let (columns, events) = try EventCSV.read(path: path)
            return Loaded(train: events, validation: nil, description: "CSV columns \(columns.joined(separator: ", "))")
        }
        let archive = try NpzArchive(path: path)
        if archive.contains("train_data") {
            let train = try SequenceSet.load(archive, part: "train")
            let validation = archive.contains("valid_data") ? try SequenceSet.load(archive, part: "valid") : nil
            return Loaded(train: train, validation: validation, description: "npz with train/valid splits")
        }
        return Loaded(train: try SequenceSet.load(archive), validation: nil, description: "npz")
    }
}
