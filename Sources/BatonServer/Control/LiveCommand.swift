import BatonEnsemble

/// Everything a client can ask of the live server, whichever way it arrives (OSC, WebSocket
/// or HTTP JSON). The parsers map both wire formats onto these and check every value
/// against `LiveLimits` as they do, so a `LiveCommand` that came from a client is in range;
/// the engines apply them.
public enum LiveCommand: Sendable, Equatable {
    // MARK: Text ensemble
    /// Every model's weight at once, in loaded order.
    case setWeights([Float])
    /// One model's weight, by index or name.
    case setWeight(model: ModelReference, value: Float)
    /// Plays only the listed models (by index); the others keep their weights but sit out.
    case setActive([Int])
    /// The text ensemble's sampling temperature.
    case setTemperature(Float)
    /// How the members' distributions combine.
    case setPooling(Pooling)
    /// The normalised weight below which a member is skipped.
    case setThreshold(Float)
    /// Lookahead sampling on (candidates, depth) or off (nil).
    case setLookahead(Lookahead?)
    /// Restarts from this text (at most `LiveLimits.primeBytes`); an empty text restarts
    /// from nothing, as `reset` does, and says so in the stream.
    case prime(String)
    /// Restarts the stream from nothing.
    case reset
    /// Stops or resumes the text stream.
    case pause(Bool)
    /// Symbols per second (`LiveLimits.rate`); leaves the fastest mode.
    case setRate(Double)
    /// As fast as the models go, up to the server's ceiling (`--max-text-rate`). The set
    /// rate is kept for when the mode is left.
    case setFastest(Bool)
    /// Distribution frames per second (0: none).
    case setFrameRate(Double)
    /// The performer's text (at most `LiveLimits.feedBytes`): every model reads it, without
    /// a restart, and the models whose adaptation is on learn from it.
    case feed(String)
    /// One text model's adaptation to fed text on or off.
    case setModelAdaptation(model: ModelReference, on: Bool)
    /// One text model's adaptation learning rate (`LiveLimits.adaptationRate`).
    case setModelAdaptationRate(model: ModelReference, rate: Float)
    /// One text model back to its original weights.
    case resetModelAdaptation(ModelReference)
    /// Writes one text model's adapted weights into the workspace's models folder.
    case saveModelAdaptation(ModelReference)

    // MARK: Instrument (IMPS)
    /// The control values of one performer event (dt is measured by the server).
    case interface([Float])
    /// How the instrument and the performer share the music.
    case setMode(InteractionMode)
    /// The instrument's component temperature.
    case setPiTemperature(Float)
    /// The instrument's variance multiplier.
    case setSigmaTemperature(Float)
    /// The factor on every predicted dt.
    case setTimescale(Double)
    /// Seconds of performer silence before call-and-response answers.
    case setSilenceThreshold(Double)
    /// Clears the instrument model's state and any queued prediction.
    case resetInstrument
    /// Stops or resumes the instrument's predictions.
    case pauseInstrument(Bool)
    /// Live adaptation to the performer's events (docs/protocol.md, "Adaptation").
    case setAdaptation(Bool)
    /// The adaptation learning rate (`LiveLimits`).
    case setAdaptationRate(Float)
    /// Back to the model's original weights.
    case resetAdaptation
    /// Writes the adapted model into the workspace's models folder.
    case saveAdaptation

    /// Whether the instrument engine handles this command (the others go to the text engine).
    public var isInstrumentCommand: Bool {
        switch self {
        case .interface, .setMode, .setPiTemperature, .setSigmaTemperature, .setTimescale, .setSilenceThreshold, .resetInstrument, .pauseInstrument,
             .setAdaptation, .setAdaptationRate, .resetAdaptation, .saveAdaptation:
            return true
        default:
            return false
        }
    }
}

/// A model named by its position in the loaded list or by its display name.
public enum ModelReference: Sendable, Equatable {
    /// The model at this position in the loaded list.
    case index(Int)
    /// The model with this display name.
    case name(String)
}

/// How the instrument's model and the performer share the music (IMPS, Martin & Torresen
/// 2019; see ARCHITECTURE.md).
public enum InteractionMode: String, Sendable, CaseIterable, Codable {
    /// The performer's events update the model; nothing is played (log only).
    case none
    /// One prediction answers each performer event.
    case filter
    /// The model answers when the performer has been silent for the threshold.
    case callresponse
    /// The model plays continuously on its own; the performer does not steer it.
    case battle

    /// A mode by name, forgiving case and hyphens (`call-response`, `CallResponse`).
    public init?(lenient name: String) {
        self.init(rawValue: name.lowercased().replacingOccurrences(of: "-", with: ""))
    }
}
