/// The last note sent on each channel of one output, so that every new note is preceded by
/// a note-off for the one before (a monophonic voice per channel, as IMPSY plays), and
/// shutdown can release whatever still sounds.
public struct HeldNotes: Sendable, Equatable {
    /// channel (1–16) → note
    public private(set) var notes: [Int: Int] = [:]

    public init() {}

    /// The messages to send for `messages`: each note-on is preceded by a note-off (velocity 0)
    /// of the note last sent on its channel.
    public mutating func play(_ messages: [MIDIMessage]) -> [MIDIMessage] {
        var out: [MIDIMessage] = []
        out.reserveCapacity(messages.count + 2)
        for message in messages {
            if case .noteOn(let channel, let note, _) = message {
                if let previous = notes[channel] { out.append(.noteOff(channel: channel, note: previous, velocity: 0)) }
                notes[channel] = note
            }
            out.append(message)
        }
        return out
    }

    /// Note-offs for every note still held, by channel; forgets them.
    public mutating func releaseAll() -> [MIDIMessage] {
        defer { notes.removeAll() }
        return notes.sorted { $0.key < $1.key }.map { .noteOff(channel: $0.key, note: $0.value, velocity: 0) }
    }
}

/// IMPSY's feedback protection: a synth that echoes what it is sent (the Roland S-1 over
/// USB) would otherwise feed Baton's own notes back in as the performer's. An incoming
/// note-on is dropped when it arrives within `threshold` seconds of the last message Baton
/// sent anywhere and repeats the last note Baton sent on that channel to the device of the
/// same name.
public struct FeedbackGuard: Sendable {
    public var enabled: Bool
    /// Seconds (IMPSY's default 0.02).
    public var threshold: Double
    var lastSent: UInt64?

    public init(enabled: Bool, threshold: Double = 0.02) {
        self.enabled = enabled
        self.threshold = threshold
    }

    public mutating func sent(at time: UInt64) { lastSent = time }

    /// Whether `message`, from a device whose output side last held `held`, is an echo.
    public func isEcho(_ message: MIDIMessage, at time: UInt64, held: HeldNotes?) -> Bool {
        guard enabled, let lastSent, case .noteOn(let channel, let note, _) = message, let held else { return false }
        let elapsed = Double(time &- min(lastSent, time)) / 1e9
        return elapsed < threshold && held.notes[channel] == note
    }
}
