import Foundation

/// Draws and scores events in the data's own units for one control or stroke model: the
/// model's head output is a density in normalised units; this applies the normalisation
/// (and its Jacobian), IMPSY's dt floor, the recorded value range, and the pen state.
/// Shared by `EventGenerator` (one model) and the ensembles (a component chosen across
/// models). Allocation-free.
public final class EventSampler: @unchecked Sendable {
    /// The architecture whose head output it reads.
    public let config: ModelConfig
    /// Maps the model's units back to the data's (identity when the model has none).
    public let normalisation: Normalisation
    /// Control models: the values seen in training, which draws are clamped to.
    public let range: ValueRange?
    /// Control models: a sampled dt below this is raised to it (IMPSY: 0.000454 s).
    public var minimumDt: Float = 0.000_454
    private let scratch: FloatBuffer
    /// Σ log scale over the continuous dimensions (the normalisation's Jacobian): a
    /// density in model units minus this is the density in the data's units.
    public let logJacobian: Double

    /// A sampler for a control or stroke model.
    public init(model: Model) {
        precondition(model.config.kind != .text, "EventSampler needs a control or stroke model")
        config = model.config
        let normalisation = model.normalisation ?? .identity(dims: model.config.inputSize)
        self.normalisation = normalisation
        range = model.config.kind == .control ? ValueRange(metadata: model.metadata, dims: model.config.inputSize) : nil
        scratch = FloatBuffer(count: model.config.inputSize)
        let continuous = model.config.kind == .strokes ? 2 : model.config.inputSize
        logJacobian = (0..<continuous).reduce(0) { $0 + Foundation.log(Double(abs(normalisation.scale[$1]))) }
    }

    /// Values per event.
    public var dims: Int { config.inputSize }

    /// Where the π logits start in the head output, and how many there are.
    public func componentLogits(_ output: UnsafePointer<Float>) -> (UnsafePointer<Float>, Int) {
        switch config.head {
        case .mixtureDensity(let d, let k, _): (output + 2 * k * d, k)
        case .strokes(let k): (output + StrokeMixture.Layout(mixtures: k).logits, k)
        case .categorical: preconditionFailure("categorical head in EventSampler")
        }
    }

    /// Mixture components in the head.
    public var componentCount: Int {
        switch config.head {
        case .mixtureDensity(_, let k, _), .strokes(let k): k
        case .categorical: 0
        }
    }

    /// One event into `x` (data units): from `component`, or from a component drawn by
    /// softmax(π logits / τπ) when nil; spread by √τσ; the pen by σ(logit / τπ).
    public func draw(_ output: UnsafePointer<Float>, component: Int? = nil, piTemperature: Float, sigmaTemperature: Float,
                     using rng: inout SeededGenerator, into x: UnsafeMutablePointer<Float>) {
        let (logits, count) = componentLogits(output)
        let m = component ?? Categorical.sampleComponent(logits, count: count, temperature: piTemperature, using: &rng)
        let z = scratch.pointer
        switch config.head {
        case .mixtureDensity(let d, let k, let sigma):
            MixtureDensity.sample(output, component: m, dims: d, mixtures: k, sigma: sigma, sigmaTemperature: sigmaTemperature, using: &rng, into: z)
        case .strokes(let k):
            StrokeMixture.sample(output, component: m, mixtures: k, piTemperature: piTemperature, sigmaTemperature: sigmaTemperature, using: &rng, into: z)
        case .categorical:
            preconditionFailure("categorical head in EventSampler")
        }
        for j in 0..<dims { x[j] = z[j] * normalisation.scale[j] + normalisation.offset[j] }
        switch config.kind {
        case .control:
            x[0] = max(x[0], minimumDt)
            if let range { for j in 1..<dims { x[j] = min(max(x[j], range.minimum[j]), range.maximum[j]) } }
        case .strokes:
            x[2] = z[2]
        case .text:
            break
        }
    }

    /// log p(x) of an event given in the data's units (the normalisation's Jacobian included).
    public func logDensity(of x: UnsafePointer<Float>, output: UnsafePointer<Float>) -> Double {
        let z = scratch.pointer
        for j in 0..<dims { z[j] = (x[j] - normalisation.offset[j]) / normalisation.scale[j] }
        let logP: Double = switch config.head {
        case .mixtureDensity(let d, let k, let sigma): MixtureDensity.logLikelihood(output, x: z, dims: d, mixtures: k, sigma: sigma)
        case .strokes(let k): StrokeMixture.logLikelihood(output, point: z, mixtures: k)
        case .categorical: preconditionFailure("categorical head in EventSampler")
        }
        return logP - logJacobian
    }
}
