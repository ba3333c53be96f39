import Foundation

/// One control or stroke model generating events in the data's own units: feed what the
/// performer played, then draw the next event from the mixture and feed it back.
///
/// Temperatures follow keras-mdn-layer and IMPS: π logits are divided by `piTemperature`,
/// variances multiplied by `sigmaTemperature`. `EventSampler` turns the mixture into data
/// units: the dt floor (IMPSY's 0.000454 s), the trained value range, the pen state.
public final class EventGenerator {
    public let model: Model
    public let stepper: Stepper
    public var piTemperature: Float
    public var sigmaTemperature: Float
    public var rng: SeededGenerator
    /// Control models: a sampled dt below this is raised to it (IMPSY clips at 0.000454 s).
    public var minimumDt: Float {
        get { sampler.minimumDt }
        set { sampler.minimumDt = newValue }
    }
    public let sampler: EventSampler
    private let event: FloatBuffer
    private var hasOutput = false

    public init(model: Model, precision: WeightPrecision = .float32, piTemperature: Float = 1, sigmaTemperature: Float = 1, seed: UInt64) {
        precondition(model.config.kind != .text, "EventGenerator needs a control or stroke model")
        self.model = model
        stepper = Stepper(model: model, precision: precision)
        self.piTemperature = piTemperature
        self.sigmaTemperature = sigmaTemperature
        rng = SeededGenerator(seed: seed)
        sampler = EventSampler(model: model)
        event = FloatBuffer(count: model.config.inputSize)
    }

    public var dims: Int { model.config.inputSize }

    public func reset() {
        stepper.reset()
        hasOutput = false
    }

    /// Feeds one event (data units) without sampling: the performer's own input.
    public func feed(_ event: UnsafeBufferPointer<Float>) {
        stepper.step(input: event)
        hasOutput = true
    }

    public func feed(_ event: [Float]) { event.withUnsafeBufferPointer { feed($0) } }

    /// Draws the next event from the current prediction (data units) without feeding it.
    /// Before anything was fed, the model is primed with a zero event. Allocation-free: the
    /// result is valid until the next call.
    public func sampleEvent() -> UnsafeBufferPointer<Float> {
        if !hasOutput {
            event.zero()
            feed(UnsafeBufferPointer(event.buffer))
        }
        sampler.draw(stepper.output.baseAddress!, piTemperature: piTemperature, sigmaTemperature: sigmaTemperature,
                     using: &rng, into: event.pointer)
        return UnsafeBufferPointer(event.buffer)
    }

    /// Samples the next event and feeds it back (the model playing on its own), without
    /// allocating; the result is valid until the next call.
    @discardableResult
    public func nextEvent() -> UnsafeBufferPointer<Float> {
        let x = sampleEvent()
        feed(x)
        return x
    }

    public func sample() -> [Float] { Array(sampleEvent()) }

    public func next() -> [Float] { Array(nextEvent()) }
}
