import BatonEnsemble

/// Everything a client can ask of the live server, whichever way it arrives (OSC or
/// WebSocket JSON). Parsing maps both wire formats onto these; the router applies them.
public enum LiveCommand: Sendable, Equatable {
    // MARK: Text ensemble
    case setWeights([Float])
    case setWeight(model: ModelReference, value: Float)
    case setActive([Int])
    case setTemperature(Float)
    case setPooling(Pooling)
    case setThreshold(Float)
    case setLookahead(Lookahead?)
    case prime(String)
    case reset
    case pause(Bool)
    /// Symbols per second (0 = as fast as it goes).
    case setRate(Double)
    /// Distribution frames per second.
    case setFrameRate(Double)

    // MARK: Instrument (IMPS)
    /// The control values of one performer event (dt is measured by the server).
    case interface([Float])
    case setMode(InteractionMode)
    case setPiTemperature(Float)
    case setSigmaTemperature(Float)
    case setTimescale(Double)
    case setSilenceThreshold(Double)
    case resetInstrument
    case pauseInstrument(Bool)
}

/// A model named by its position in the loaded list or by its display name.
public enum ModelReference: Sendable, Equatable {
    case index(Int)
    case name(String)
}

/// How the instrument's model and the performer share the music (IMPS, Martin & Torresen
/// 2019; see ARCHITECTURE.md).
public enum InteractionMode: String, Sendable, CaseIterable {
    /// The performer's events update the model; nothing is played (log only).
    case none
    /// One prediction answers each performer event.
    case filter
    /// The model answers when the performer has been silent for the threshold.
    case callresponse
    /// The model plays continuously on its own; the performer does not steer it.
    case battle
}

/// Why a command was refused (logged and, on WebSocket, sent back as an error).
public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
