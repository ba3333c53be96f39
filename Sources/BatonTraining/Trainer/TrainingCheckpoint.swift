import BatonCore
import Foundation

/// The latest weights, optimiser moments, position and metrics of a run, stored as one
/// safetensors file (`NAME.state.safetensors`): the model's own tensors plus
/// `optimizer.first_moment` (Adam only) and `optimizer.second_moment` (and
/// `optimizer.average`, the weight average, when averaging is on), all F32, the position
/// as JSON metadata.
///
/// A checkpoint is validated tensor by tensor before anything uses it: every name is
/// expected, every shape and dtype is what the model's layout says, the moments are finite
/// (the second non-negative), the position is a possible one, and the architecture is the
/// one of the model being resumed. The optimiser then never sees a moment buffer of the
/// wrong size.
public struct TrainingCheckpoint {
    public var model: Model
    public var optimizer: Optimizer
    public var position: TrainingPosition
    public var metrics: MetricsLog
    /// The weight average in the parameter layout, when the run kept one.
    public var averageValues: [Float]?

    static let positionKey = "training_state"
    static let optimizerKey = "optimizer"
    static let firstMomentName = "optimizer.first_moment"
    static let secondMomentName = "optimizer.second_moment"
    static let averageName = "optimizer.average"
    /// Metrics files beyond this are not read back (the curve restarts; training does not).
    static let maximumMetricsBytes = 64 << 20

    /// Reads the checkpoint beside `paths.model`, or returns nil when there is none.
    /// `resuming`, when given, is the architecture of the model file being resumed: a
    /// checkpoint of any other architecture is refused.
    public static func load(paths: TrainingPaths, resuming expected: ModelConfig? = nil) throws(TrainingError) -> TrainingCheckpoint? {
        guard FileManager.default.fileExists(atPath: paths.state) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try readFileBytes(paths.state, maximumBytes: 3 * Model.maximumFileBytes)
        } catch {
            throw .resumeMismatch(path: paths.state, reason: error.reason)
        }
        var checkpoint = try TrainingCheckpoint(bytes: bytes, path: paths.state)
        if let expected, expected != checkpoint.model.config {
            throw .resumeMismatch(path: paths.state, reason: "it holds a \(checkpoint.model.config), but \(paths.model) holds a \(expected)")
        }
        if let text = try? readFileBytes(paths.metrics, maximumBytes: maximumMetricsBytes) {
            checkpoint.metrics = MetricsLog(csv: String(decoding: text, as: UTF8.self), upToStep: checkpoint.position.step)
        }
        return checkpoint
    }

    /// Parses and validates checkpoint bytes (the metrics start empty). `path` names the
    /// file in errors.
    public init(bytes: [UInt8], path: String) throws(TrainingError) {
        func fail(_ reason: String) -> TrainingError { .resumeMismatch(path: path, reason: reason) }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(bytes: bytes) } catch { throw fail(error.description) }
        if let (name, tensor) = file.tensors.first(where: { $0.value.dtype != .f32 }) {
            throw fail("tensor '\(name.prefix(80))' is \(tensor.dtype.rawValue); checkpoints hold F32 only")
        }
        let model: Model
        do { model = try Model(file: file, path: path) } catch { throw fail(error.message) }

        guard let kindText = file.metadata[Self.optimizerKey], let kind = OptimizerKind(rawValue: kindText) else {
            throw fail("metadata '\(Self.optimizerKey)' is missing or names no optimiser")
        }
        let n = model.parameters.count
        var expectedNames = Set(model.layout.slots.map(\.name) + [Self.secondMomentName, Self.averageName])
        if kind == .adam { expectedNames.insert(Self.firstMomentName) }
        if let extra = file.tensors.keys.sorted().first(where: { !expectedNames.contains($0) }) {
            throw fail("unexpected tensor '\(extra.prefix(80))' (a \(kind.rawValue) checkpoint holds the model, " +
                       (kind == .adam ? "\(Self.firstMomentName) and " : "") + "\(Self.secondMomentName))")
        }
        func moment(_ name: String) throws(TrainingError) -> [Float] {
            guard let tensor = file.tensors[name] else { throw fail("tensor '\(name)' is missing (\(kind.rawValue) needs it)") }
            guard tensor.shape == [n] else { throw fail("tensor '\(name)' has shape \(tensor.shape.prefix(8)), expected [\(n)]") }
            let values = file.floats(name) ?? []
            guard values.allSatisfy(\.isFinite) else { throw fail("tensor '\(name)' holds NaN or infinity") }
            return values
        }
        let first = kind == .adam ? try moment(Self.firstMomentName) : []
        let second = try moment(Self.secondMomentName)
        guard second.allSatisfy({ $0 >= 0 }) else { throw fail("tensor '\(Self.secondMomentName)' holds negative values") }
        let average = file.tensors[Self.averageName] == nil ? nil : try moment(Self.averageName)

        guard let positionText = file.metadata[Self.positionKey],
              let position = try? JSONDecoder().decode(TrainingPosition.self, from: Data(positionText.utf8))
        else { throw fail("metadata '\(Self.positionKey)' is missing or not the expected JSON") }
        if let problem = position.problem { throw fail("metadata '\(Self.positionKey)': \(problem)") }

        var restored = model
        restored.metadata[Self.positionKey] = nil
        restored.metadata[Self.optimizerKey] = nil
        self.model = restored
        self.optimizer = Optimizer(kind: kind, step: position.step, firstMoment: first, secondMoment: second)
        self.position = position
        self.metrics = MetricsLog()
        self.averageValues = average
    }
}
