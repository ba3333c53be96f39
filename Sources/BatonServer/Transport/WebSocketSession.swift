import Foundation
import HummingbirdWebSocket
import Logging

/// One WebSocket client: receives every live event as JSON, and sends commands and requests
/// as JSON (docs/protocol.md). Bad messages get an `error` reply; the connection stays open.
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
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return error("messages are JSON objects with a \"type\"")
        }
        if object["type"] as? String == "strokes" {
            return (try? await HTTPInterface.continuation(session: session, body: object)) ?? error("no stroke model is loaded")
        }
        if object["type"] as? String == "status" { return LiveEvent.status(session.status).json }
        do {
            guard let command = try LiveCommand.command(json: object) else { return error("unknown message type \(object["type"] ?? "")") }
            try session.apply(command)
            return nil
        } catch {
            logger.debug("WebSocket command refused: \(error)")
            return self.error("\(error)")
        }
    }

    func error(_ message: String) -> String { "{\"type\":\"error\",\"message\":\(LiveEvent.quote(message))}" }
}
