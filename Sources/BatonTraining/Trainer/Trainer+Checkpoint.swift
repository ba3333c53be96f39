import BatonCore
import Foundation

extension Trainer {
    /// Writes the state file, the metrics CSV and the loss plot, each atomically.
    func saveCheckpoint() throws(TrainingError) {
        var writer = SafeTensorsWriter(metadata: model.fileMetadata)
        for slot in model.layout.slots {
            writer.add(slot.name, shape: slot.shape, values: Array(model.parameters[slot.range]), dtype: .f32)
        }
        let n = model.parameters.count
        if optimizer.kind == .adam {
            writer.add(TrainingCheckpoint.firstMomentName, shape: [n], values: optimizer.firstMoment, dtype: .f32)
        }
        writer.add(TrainingCheckpoint.secondMomentName, shape: [n], values: optimizer.secondMoment, dtype: .f32)
        if let average {
            writer.add(TrainingCheckpoint.averageName, shape: [n], values: average.values, dtype: .f32)
            position.averageUpdates = average.updates
        }
        writer.metadata[TrainingCheckpoint.optimizerKey] = optimizer.kind.rawValue
        if let data = try? JSONEncoder().encode(position) {
            writer.metadata[TrainingCheckpoint.positionKey] = String(decoding: data, as: UTF8.self)
        }
        do {
            try writeAtomically(writer.encode(), to: paths.state)
            try metrics.write(paths: paths, title: title)
        } catch {
            throw .cannotSave(error)
        }
    }
}
