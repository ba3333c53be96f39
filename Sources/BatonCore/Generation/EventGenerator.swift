import Foundation

/// One control or stroke model generating events in the data's own units: feed what the
/// performer played, then draw the next event from the mixture and feed it back.
///
/// Temperatures follow keras-mdn-layer and IMPS: π logits are divided by `piTemperature`,
/// variances multiplied by `sigmaTemperature`. `EventSampler` turns the mixture into data
/// units: the dt floor (IMPSY's 0.000454 s), the trained value range, the pen state.
public final class EventGenerator {
    /// The model it runs.
    public let model: Model
    /// The model's stepper; its state is the generator's (replaced by `replaceStepper`).
    public private(set) var stepper: Stepper
    /// Divides the component logits before a component is drawn (< 1: the likeliest more often).
    public var piTemperature: Float
    /// Multiplies the variances (< 1: closer to the means).
    public var sigmaTemperature: Float
    /// The generator every draw comes from.
    public var rng: SeededGenerator
    /// Control models: a sampled dt below this is raised to it (IMPSY clips at 0.000454 s).
    public var minimumDt: Float {
        get { sampler.minimumDt }
        set { sampler.minimumDt = newValue }
    }
    /// Turns the head's output into events in the data's units.
    public let sampler: EventSampler
    private let event: FloatBuffer
    private var hasOutput = false

    /// A generator for a control or stroke model, reproducible from `seed`.
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

    /// Values per event.
    public var dims: Int { model.config.inputSize }

    /// Plays on with other weights of the same architecture (adapted ones), keeping the
    /// state and the last prediction: `replacement` takes over the current stepper's state.
    public func replaceStepper(_ replacement: Stepper) {
        replacement.copyState(from: stepper)
        stepper = replacement
    }

    /// Returns to the zero state, as before anything was fed.
    public func reset() {
        stepper.reset()
        hasOutput = false
    }

    /// Feeds one event (data units) without sampling: the performer's own input.
    public func feed(_ event: UnsafeBufferPointer<Float>) {
        stepper.step(input: event)
        hasOutput = true
    }

    /// Feeds one event in data units (allocating form of `feed(_:)`).
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

    /// Draws the next event without feeding it, as a new array.
    public func sample() -> [Float] { Array(sampleEvent()) }

    /// Draws the next event and feeds it back, as a new array.
    public func next() -> [Float] { Array(nextEvent()) }
}
