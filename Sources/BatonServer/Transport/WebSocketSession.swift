import Foundation
import HummingbirdWebSocket
import Logging

/// One WebSocket client: receives every live event as JSON, and sends commands and requests
/// as JSON (docs/protocol.md), decoded into a `ClientMessage`. Refused messages get an
/// `error` reply naming the field; the connection stays open.
struct WebSocketSession {
    let session: LiveSession
    let logger: Logger

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (id, events) = session.hub.subscribe(buffer: 512)
        session.clients.add(1, ordering: .relaxed)
        defer {
            session.hub.unsubscribe(id)
            session.clients.subtract(1, ordering: .relaxed)
        }
        try await outbound.write(.text(LiveEvent.status(session.status).json))
        // The text so far, so the page is not blank until new text arrives. Taken after
        // subscribing: at worst a symbol published in between arrives twice, never a gap.
        if session.text != nil, !session.recent.pieces.isEmpty { try await outbound.write(.text(session.recent.json)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await published in events { try await outbound.write(.text(published.json)) }
            }
            for try await message in inbound.messages(maxSize: HTTPInterface.maximumWebSocketMessage) {
                guard case .text(let text) = message else { continue }
                if let reply = await handle(text) { try await outbound.write(.text(reply)) }
            }
            group.cancelAll()
        }
    }

    /// A reply for requests and errors; nil when a command needs none (its effect arrives as events).
    func handle(_ text: String) async -> String? {
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(Array(text.utf8))
        } catch {
            logger.debug("WebSocket message refused: \(error)")
            return Self.error(error.description)
        }
        switch message {
        case .status: return LiveEvent.status(session.status).json
        case .strokes(let request): return await HTTPInterface.continuation(session: session, request: request)
        case .command(let command):
            do {
                try session.apply(command)
                return nil
            } catch {
                logger.debug("WebSocket command refused: \(error)")
                return Self.error(error.description)
            }
        }
    }

    static func error(_ message: String) -> String { WireJSON.encode(WireJSON.ErrorBody.webSocket(message)) }
}
