import Synchronization

/// Fans live events out to subscribers (WebSocket clients, the OSC sender). Publishing
/// never blocks: each subscriber has a bounded buffer that keeps the newest events, so a
/// slow client loses old frames instead of holding the generator back.
public final class EventHub: Sendable {
    private struct State {
        var next = 0
        var subscribers: [Int: AsyncStream<LiveEvent>.Continuation] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// A stream of every event published from now on, keeping at most `buffer` unsent ones.
    public func subscribe(buffer: Int = 1024) -> (id: Int, events: AsyncStream<LiveEvent>) {
        let (stream, continuation) = AsyncStream<LiveEvent>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        let id = state.withLock { s in
            s.next += 1
            s.subscribers[s.next] = continuation
            return s.next
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, stream)
    }

    public func unsubscribe(_ id: Int) {
        let continuation = state.withLock { $0.subscribers.removeValue(forKey: id) }
        continuation?.finish()
    }

    public func publish(_ event: LiveEvent) {
        let continuations = state.withLock { Array($0.subscribers.values) }
        for continuation in continuations { continuation.yield(event) }
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Ends every stream (shutdown).
    public func finishAll() {
        let all = state.withLock { s -> [AsyncStream<LiveEvent>.Continuation] in
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        for continuation in all { continuation.finish() }
    }
}
