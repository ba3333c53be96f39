import BatonCore
import Dispatch

/// Text the performer feeds (`/baton/feed`, `{"type":"feed"}`): every model reads it into
/// its state, mid-stream, and the models whose adaptation is on learn from it
/// (`TextAdaptation`).
extension TextEngine {
    /// Unread fed text the engine holds at most: a performer who feeds faster than the
    /// models read is refused rather than queued without bound.
    static let feedBacklog = 4 * Int(LiveLimits.feedBytes.range.upperBound)

    /// Queues the text for the engine's thread and teaches it to the adapting models.
    func feed(_ bytes: [UInt8]) throws(CommandError) {
        try state.withLock { s throws(CommandError) in
            guard s.feed.count + bytes.count <= Self.feedBacklog else {
                throw CommandError("feed: the models are still reading \(s.feed.count) bytes fed earlier; send this again in a moment")
            }
            s.feed += bytes
        }
        adaptation.teach(bytes)
    }

    /// Reads fed text into the ensemble, announcing it in the stream; a restart or stop
    /// ends it between slices (the stream keeps the part read). On the engine's thread.
    func read(_ bytes: [UInt8], request: Int) {
        hub.publish(.fed(text: String(decoding: bytes, as: UTF8.self)))
        adaptation.adoptAdaptedWeights(into: ensemble)
        ensemble.feed(bytes) { [self] in
            let (running, restarts) = state.withLock { ($0.running, $0.restarts) }
            return !running || restarts != request
        }
    }
}
