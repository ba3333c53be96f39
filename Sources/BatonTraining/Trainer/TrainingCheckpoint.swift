import BatonCore
import Foundation

/// Where a run stands: enough to continue it exactly where it left off.
public struct TrainingPosition: Sendable, Codable, Equatable {
    public var epoch = 0
    /// Next batch index within the epoch.
    public var batch = 0
    public var step = 0
    public var learningRate: Float
    public var bestValidation: Double?
    public var lastValidation: Double?
    public var validationsWithoutImprovement = 0
    public var seconds = 0.0
    /// Whether the best-model file has been written by this run (or the one resumed).
    public var savedModel = false
    /// Updates folded into the weight average (nil when averaging was off).
    public var averageUpdates: Int?

    public init(learningRate: Float) { self.learningRate = learningRate }
}

/// The latest weights, optimiser moments, position and metrics of a run, stored as one
/// safetensors file (`NAME.state.safetensors`): the model's own tensors plus
/// `optimizer.first_moment` and `optimizer.second_moment` (and `optimizer.average`, the
/// weight average, when averaging is on), position as JSON metadata.
public struct TrainingCheckpoint {
    public var model: Model
    public var optimizer: Optimizer
    public var position: TrainingPosition
    public var metrics: MetricsLog
    /// The weight average in the parameter layout, when the run kept one.
    public var averageValues: [Float]?

    static let positionKey = "training_state"
    static let optimizerKey = "optimizer"
    static let averageKey = "optimizer.average"

    /// Reads the checkpoint beside `paths.model`, or returns nil when there is none.
    public static func load(paths: TrainingPaths) throws(TrainingError) -> TrainingCheckpoint? {
        guard FileManager.default.fileExists(atPath: paths.state) else { return nil }
        let fail = { (reason: String) in TrainingError.resumeMismatch(path: paths.state, reason: reason) }
        let bytes: [UInt8]
        do { bytes = try readFileBytes(paths.state) } catch { throw fail(error.reason) }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(bytes: bytes) } catch { throw fail(error.description) }
        let model: Model
        do { model = try Model(file: file, path: paths.state) } catch { throw fail(error.message) }
        guard let positionText = file.metadata[positionKey],
              let position = try? JSONDecoder().decode(TrainingPosition.self, from: Data(positionText.utf8)),
              let kind = file.metadata[optimizerKey].flatMap(OptimizerKind.init(rawValue:)),
              let second = file.floats("optimizer.second_moment"), second.count == model.parameters.count
        else { throw fail("the optimiser state is missing or damaged") }
        let first = file.floats("optimizer.first_moment") ?? []
        let optimizer = Optimizer(kind: kind, step: position.step, firstMoment: first, secondMoment: second)
        let metricsText = (try? String(contentsOfFile: paths.metrics, encoding: .utf8)) ?? ""
        var restored = model
        restored.metadata[positionKey] = nil
        restored.metadata[optimizerKey] = nil
        let average = file.floats(averageKey).flatMap { $0.count == model.parameters.count ? $0 : nil }
        return TrainingCheckpoint(model: restored, optimizer: optimizer, position: position, metrics: MetricsLog(csv: metricsText),
                                  averageValues: average)
    }
}

extension Trainer {
    /// Writes the state file, the metrics CSV and the loss plot, each atomically.
    func saveCheckpoint() throws(TrainingError) {
        var writer = SafeTensorsWriter(metadata: model.fileMetadata)
        for slot in model.layout.slots {
            writer.add(slot.name, shape: slot.shape, values: Array(model.parameters[slot.range]), dtype: .f32)
        }
        let n = model.parameters.count
        if !optimizer.firstMoment.isEmpty {
            writer.add("optimizer.first_moment", shape: [n], values: optimizer.firstMoment, dtype: .f32)
        }
        writer.add("optimizer.second_moment", shape: [n], values: optimizer.secondMoment, dtype: .f32)
        if let average {
            writer.add(TrainingCheckpoint.averageKey, shape: [n], values: average.values, dtype: .f32)
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
