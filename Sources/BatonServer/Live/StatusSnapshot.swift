/// The server's state as the Studio and `GET /api/status` see it.
public struct StatusSnapshot: Sendable, Encodable {
    public var text: TextEngine.Status?
    public var instrument: InstrumentEngine.Status?
    public var strokes: [String]
    public var clients: Int
    public var osc: OSCCounters
    public var training: TrainingJobStatus?
    public var uptimeSeconds: Double
}

/// Packets in and out, and what was dropped: malformed or oversized packets, packets from
/// senders outside `--allow`, messages to no method, messages whose values were refused
/// (out of range, wrong type), and time-tagged messages beyond the queue's bounds.
public struct OSCCounters: Sendable, Encodable, Equatable {
    public var received = 0
    public var sent = 0
    public var malformed = 0
    public var refused = 0
    public var unknown = 0
    public var invalid = 0
    public var late = 0

    public var dropped: Int { malformed + refused + unknown + invalid + late }
}
