/// The files a training run writes beside the model: `NAME.safetensors` (best weights by
/// validation), `NAME.state.safetensors` (latest weights + optimiser, for --resume),
/// `NAME.metrics.csv` and `NAME.loss.svg`.
public struct TrainingPaths: Sendable, Equatable {
    public let model: String
    public let base: String

    public init(model: String) {
        self.model = model
        base = model.hasSuffix(".safetensors") ? String(model.dropLast(".safetensors".count)) : model
    }

    public var state: String { base + ".state.safetensors" }
    public var metrics: String { base + ".metrics.csv" }
    public var lossCurve: String { base + ".loss.svg" }
}
