import BatonCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Request context: WebSocket-capable, with Baton's request-body limit.
public struct BatonRequestContext: RequestContext, WebSocketRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The WebSocket upgrade handler of this request.
    public let webSocket: WebSocketHandlerReference<Self>

    /// A context for one request.
    public init(source: Source) {
        coreContext = .init(source: source)
        webSocket = .init()
    }

    /// Request bodies (commands, stroke requests) are small; anything over 1 MiB is refused.
    public var maxUploadSize: Int { 1 << 20 }
}

/// HTTP and WebSocket: the JSON API, the live WebSocket stream and the Studio's files.
/// Every request passes the `AccessPolicy` first; bodies are decoded into typed requests
/// (`ClientMessage`, `StrokeRequest`, the Workshop requests); refusals are 400s with
/// `{"error": "…"}`.
enum HTTPInterface {
    static let maximumWebSocketMessage = 1 << 20

    static func router(session: LiveSession, catalog: [ModelSummary], access: AccessPolicy, studio: StudioPages?, logger: Logger) -> Router<BatonRequestContext> {
        let router = Router(context: BatonRequestContext.self)
        router.add(middleware: AccessMiddleware(policy: access))
        if let studio {
            router.add(middleware: StudioPageMiddleware(pages: studio))
            router.add(middleware: FileMiddleware(studio.folder, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true, logger: logger))
        }
        let workshop = session.workshop

        router.get("/api/status") { _, _ in JSONResponse(session.status) }
        router.get("/api/models") { _, _ in JSONResponse(catalog) }
        router.get("/api/limits") { _, _ in JSONResponse(LiveLimits.table) }
        router.get("/api/logs") { _, _ in try await answer(workshop) { workshop.listLogs() } }
        router.get("/api/datasets") { _, _ in try await answer(workshop) { workshop.listDatasets() } }
        router.get("/api/trained") { _, _ in try await answer(workshop) { workshop.listModels() } }
        router.get("/api/train") { _, _ in JSONResponse(workshop.trainingStatus) }
        router.post("/api/datasets") { request, context in
            let body = try await decodeBody(DatasetRequest.self, request, context)
            return try await answer(workshop) { try workshop.buildDataset(body) }
        }
        router.post("/api/train") { request, context in
            let body = try await decodeBody(TrainRequest.self, request, context)
            return try await answer(workshop) { try workshop.startTraining(body) }
        }
        router.post("/api/train/cancel") { _, _ in
            workshop.cancelTraining()
            return JSONResponse(["ok": true])
        }
        router.post("/api/instrument/model") { request, context in
            let body = try await decodeBody(ModelSwitchRequest.self, request, context)
            guard let instrument = session.instrument else { return JSONResponse.error("no instrument is running") }
            let path = workshop.modelFile(named: body.name)
                ?? catalog.first { $0.kind == "control" && ($0.name == body.name || $0.file == body.name) }?.path
            guard let path else {
                return JSONResponse.error("no control model '\(body.name)': give a file name from GET /api/trained or a control model from GET /api/models")
            }
            return try await answer(workshop) {
                try instrument.load(try Model.load(path: path), file: path)
                session.publishStatus()
                return session.status
            }
        }
        router.post("/api/command") { request, context in
            let message = try await decodeBody(ClientMessage.self, request, context)
            guard case .command(let command) = message else { return JSONResponse.error("/api/command takes live commands; strokes go to /api/strokes") }
            do throws(CommandError) { try session.apply(command) } catch { return JSONResponse.error(error.description) }
            return JSONResponse(session.status)
        }
        router.post("/api/strokes") { request, context in
            let body = try await decodeBody(StrokeRequest.self, request, context)
            return JSONResponse(raw: await continuation(session: session, request: body))
        }
        router.ws("/ws") { inbound, outbound, _ in
            try await WebSocketSession(session: session, logger: logger).run(inbound: inbound, outbound: outbound)
        }
        return router
    }

    /// A typed request body: JSON (an empty body reads as `{}`), at most `maxUploadSize`.
    static func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: BatonRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes > 0, !(request.headers[.contentType].map(AccessPolicy.isJSON) ?? false) {
            throw JSONResponse.error("request bodies are JSON: send Content-Type: application/json", status: .unsupportedMediaType)
        }
        do {
            return try WireJSON.decode(T.self, from: buffer.readableBytes > 0 ? Array(buffer.readableBytesView) : Array("{}".utf8))
        } catch {
            throw JSONResponse.error(error.description)
        }
    }

    /// Runs Workshop file work off the async executor; what a user caused becomes a 400
    /// whose message names workspace files by their relative paths.
    static func answer<T: Encodable & Sendable>(_ workshop: Workshop, _ body: @escaping @Sendable () throws -> T) async throws -> JSONResponse {
        do {
            return JSONResponse(try await Blocking.run(body))
        } catch let error as JSONResponse {
            throw error
        } catch {
            return JSONResponse.error(workshop.redact("\(error)"))
        }
    }

    /// A stroke continuation as the JSON the WebSocket and `/api/strokes` answer, computed off the executor.
    static func continuation(session: LiveSession, request: StrokeRequest) async -> String {
        guard let strokes = session.strokes else { return WireJSON.encode(WireJSON.ErrorBody.webSocket("no stroke model is loaded", id: request.id)) }
        do {
            let continuation = try await Blocking.run { try strokes.continueStrokes(request) }
            return WireJSON.encode(StrokesWire(id: request.id, samples: continuation.samples.map { $0.map { RoundedNumbers($0, digits: 5) } },
                                               sources: continuation.sources))
        } catch {
            return WireJSON.encode(WireJSON.ErrorBody.webSocket("\(error)", id: request.id))
        }
    }
}

struct StrokesWire: Encodable {
    let type = "strokes"
    var id: String?
    var samples: [[RoundedNumbers]]
    /// Per sample and point: the index (among the stroke models) of the model that wrote it.
    var sources: [[Int]]
}

/// A JSON answer with the right content type; thrown, it answers a refusal.
struct JSONResponse: ResponseGenerator, HTTPResponseError {
    var json: String
    var status: HTTPResponse.Status = .ok

    init(_ value: some Encodable, status: HTTPResponse.Status = .ok) {
        json = WireJSON.encode(value)
        self.status = status
    }

    init(raw json: String, status: HTTPResponse.Status = .ok) {
        self.json = json
        self.status = status
    }

    static func error(_ message: String, status: HTTPResponse.Status = .badRequest) -> JSONResponse {
        JSONResponse(WireJSON.ErrorBody.http(message), status: status)
    }

    var response: Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}
