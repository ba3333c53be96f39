import Foundation

/// The server's state as the Studio and `GET /api/status` see it.
public struct StatusSnapshot: Sendable, Encodable {
    /// The text ensemble's settings and counters, when one runs.
    public var text: TextEngine.Status?
    /// The instrument's settings and counters, when one runs.
    public var instrument: InstrumentEngine.Status?
    /// The names of the loaded stroke models.
    public var strokes: [String]
    /// Connected WebSocket clients.
    public var clients: Int
    /// OSC traffic and drops.
    public var osc: OSCCounters
    /// The Workshop's training job, once one was started.
    public var training: TrainingJobStatus?
    /// Seconds since the session was created, to a tenth.
    public var uptimeSeconds: Double
    /// Which run of the server this is: a client that reconnects and sees another value
    /// knows the server restarted (and its settings went back to their defaults).
    public var instance: String
    /// Where the server sends what it plays.
    public var outputs: OutputRoutes
}

/// Where predictions and text go: OSC destinations and addresses, MIDI output ports.
public struct OutputRoutes: Sendable, Encodable, Equatable {
    /// `HOST:PORT` of every OSC destination (`--osc-send`).
    public var osc: [String]
    /// The address predictions are sent to (`--prediction-address`), and any others that
    /// also get them (`/impsy` with an IMPSY config).
    public var predictionAddresses: [String]
    /// MIDI output ports the instrument plays on (empty without MIDI).
    public var midi: [String]

    /// Where predictions go: OSC destinations, addresses, MIDI ports.
    public init(osc: [String] = [], predictionAddresses: [String] = ["/prediction"], midi: [String] = []) {
        self.osc = osc
        self.predictionAddresses = predictionAddresses
        self.midi = midi
    }
}

/// Packets in and out, and what was dropped: malformed or oversized packets, packets from
/// senders outside `--allow`, messages to no method, messages whose values were refused
/// (out of range, wrong type), and time-tagged messages beyond the queue's bounds.
public struct OSCCounters: Sendable, Encodable, Equatable {
    /// Datagrams received.
    public var received = 0
    /// Packets sent.
    public var sent = 0
    /// Datagrams that did not decode or were too large.
    public var malformed = 0
    /// Datagrams from senders outside `--allow`.
    public var refused = 0
    /// Messages to an address no method answers.
    public var unknown = 0
    /// Messages whose arguments were refused.
    public var invalid = 0
    /// Time-tagged messages dated too far ahead or beyond the queue.
    public var late = 0

    /// Everything dropped, whatever the reason.
    public var dropped: Int { malformed + refused + unknown + invalid + late }
}
