import BatonCore

/// An event with its WebSocket JSON, encoded once at publication.
public struct PublishedEvent: Sendable {
    /// The event itself, for transports with their own encoding (OSC).
    public var event: LiveEvent
    /// The event as the WebSocket sends it.
    public var json: String
}

/// Fans live events out to subscribers (WebSocket clients, the OSC sender). Publishing
/// never blocks: each subscriber has a bounded buffer that keeps the newest events, so a
/// slow client loses old frames instead of holding the generator back.
public final class EventHub: Sendable {
    private struct State {
        var next = 0
        var subscribers: [Int: AsyncStream<PublishedEvent>.Continuation] = [:]
        var listeners: [Int: @Sendable (LiveEvent) -> Void] = [:]
    }
    private let state = Locked(State())

    /// A hub with no subscribers.
    public init() {}

    /// A stream of every event published from now on, keeping at most `buffer` unsent ones.
    public func subscribe(buffer: Int = 1024) -> (id: Int, events: AsyncStream<PublishedEvent>) {
        let (stream, continuation) = AsyncStream<PublishedEvent>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        let id = state.withLock { s in
            s.next += 1
            s.subscribers[s.next] = continuation
            return s.next
        }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, stream)
    }

    /// A callback run on the publishing thread for every event: for transports that must
    /// not wait for a task hop (the OSC sender: a prediction goes out from the thread that
    /// made it). Listeners must be quick and must not block.
    public func listen(_ listener: @escaping @Sendable (LiveEvent) -> Void) -> Int {
        state.withLock { s in
            s.next += 1
            s.listeners[s.next] = listener
            return s.next
        }
    }

    /// Removes a subscriber or listener; a subscriber's stream finishes.
    public func unsubscribe(_ id: Int) {
        let continuation = state.withLock { s -> AsyncStream<PublishedEvent>.Continuation? in
            s.listeners[id] = nil
            return s.subscribers.removeValue(forKey: id)
        }
        continuation?.finish()
    }

    /// Sends `event` to every listener on this thread and queues it for every subscriber; never blocks.
    public func publish(_ event: LiveEvent) {
        // Listeners first, then the streams as they are after them: a client that subscribes
        // and then reads what a listener kept (`RecentText`) misses no event in between.
        let listeners = state.withLock { Array($0.listeners.values) }
        for listener in listeners { listener(event) }
        let continuations = state.withLock { Array($0.subscribers.values) }
        guard !continuations.isEmpty else { return }
        // Encoded once for every WebSocket client, not once per client.
        let published = PublishedEvent(event: event, json: event.json)
        for continuation in continuations { continuation.yield(published) }
    }

    /// How many streams are subscribed now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Ends every stream (shutdown).
    public func finishAll() {
        let all = state.withLock { s -> [AsyncStream<PublishedEvent>.Continuation] in
            defer { s.subscribers.removeAll(); s.listeners.removeAll() }
            return Array(s.subscribers.values)
        }
        for continuation in all { continuation.finish() }
    }
}
