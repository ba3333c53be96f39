import Foundation

/// Everything the live engines tell the outside world. Published on the `EventHub`; the
/// OSC sender and every WebSocket client translate them into their own wire format.
public enum LiveEvent: Sendable {
    /// Generated text: one complete UTF-8 character (or more) and the model that
    /// contributed most to it.
    case symbol(text: String, model: Int, shares: [Float])
    /// The distributions behind the last symbol (throttled to the frame rate): the joint,
    /// and every model's own (empty for models that did not take part), with the weights.
    case distributions(DistributionFrame)
    /// The text generation restarted from this context (empty: from nothing, after a reset
    /// or an empty prime). Symbols that follow continue it.
    case prime(text: String)
    /// The performer fed this text (`/baton/feed`): the models read it as part of the stream,
    /// without a restart; symbols that follow continue it.
    case fed(text: String)
    /// A performer's event arrived (values without dt; dt in seconds since the previous one).
    case interface(values: [Float], dt: Double)
    /// The model's predicted event, sent at the moment its dt says.
    case prediction(values: [Float], dt: Double)
    /// A change of state worth showing (mode, pause, weights…), as a JSON-ready snapshot.
    case status(StatusSnapshot)
    /// Progress of a training job started from the Studio.
    case training(TrainingJobStatus)
}

/// One frame of the Studio's distribution view: what the ensemble pooled and each member said.
public struct DistributionFrame: Sendable {
    /// Frames sent since the engine started, counting from 1.
    public var frame: Int
    /// The byte sampled from these distributions.
    public var symbol: Int
    /// The weight each model had in this step (0 when it was skipped).
    public var weights: [Float]
    /// The pooled distribution over the 256 bytes.
    public var joint: [Float]
    /// One entry per loaded model, in model order; empty when the model was skipped.
    public var models: [[Float]]

    /// A frame from its parts.
    public init(frame: Int, symbol: Int, weights: [Float], joint: [Float], models: [[Float]]) {
        self.frame = frame
        self.symbol = symbol
        self.weights = weights
        self.joint = joint
        self.models = models
    }
}
