import BatonCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Request context: WebSocket-capable, with Baton's request-body limit.
public struct BatonRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>

    public init(source: Source) {
        coreContext = .init(source: source)
        webSocket = .init()
    }

    /// Request bodies (commands, stroke requests) are small; anything over 1 MiB is refused.
    public var maxUploadSize: Int { 1 << 20 }
}

/// HTTP and WebSocket: the JSON API, the live WebSocket stream and the Studio's files.
enum HTTPInterface {
    static let maximumWebSocketMessage = 1 << 20

    static func router(session: LiveSession, catalog: [ModelSummary], token: String?, studio: String?, logger: Logger) -> Router<BatonRequestContext> {
        let router = Router(context: BatonRequestContext.self)
        if let token { router.add(middleware: TokenMiddleware(token: token)) }
        if let studio { router.add(middleware: FileMiddleware(studio, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true, logger: logger)) }

        router.get("/api/status") { _, _ in JSONResponse(LiveEvent.encode(session.status)) }
        router.get("/api/models") { _, _ in JSONResponse(LiveEvent.encode(catalog)) }
        router.get("/api/logs") { _, _ in JSONResponse(LiveEvent.encode(session.workshop.listLogs())) }
        router.get("/api/datasets") { _, _ in JSONResponse(LiveEvent.encode(session.workshop.listDatasets())) }
        router.get("/api/trained") { _, _ in JSONResponse(LiveEvent.encode(session.workshop.listModels())) }
        router.get("/api/train") { _, _ in JSONResponse(LiveEvent.encode(session.workshop.trainingStatus)) }
        router.post("/api/datasets") { request, context in
            let body = try await jsonBody(request, context)
            return try respond { JSONResponse(LiveEvent.encode(try session.workshop.buildDataset(name: body["name"] as? String))) }
        }
        router.post("/api/train") { request, context in
            let body = try await jsonBody(request, context)
            guard let dataset = body["dataset"] as? String else { return JSONResponse.error("train needs a \"dataset\"") }
            let size = body["size"] as? String ?? "s", minutes = (body["minutes"] as? NSNumber)?.doubleValue ?? 2
            return try respond {
                JSONResponse(LiveEvent.encode(try session.workshop.startTraining(dataset: dataset, size: size, minutes: minutes, name: body["name"] as? String)))
            }
        }
        router.post("/api/train/cancel") { _, _ in
            session.workshop.cancelTraining()
            return JSONResponse("{\"ok\":true}")
        }
        router.post("/api/instrument/model") { request, context in
            let body = try await jsonBody(request, context)
            guard let name = body["name"] as? String else { return JSONResponse.error("needs the \"name\" of a trained model") }
            guard let instrument = session.instrument else { return JSONResponse.error("no instrument is running") }
            let path = (session.workshop.models as NSString).appendingPathComponent((name as NSString).lastPathComponent)
            return try respond {
                try instrument.load(try Model.load(path: path), file: path)
                session.hub.publish(.status(session.status))
                return JSONResponse(LiveEvent.encode(session.status))
            }
        }
        router.post("/api/command") { request, context in
            let body = try await jsonBody(request, context)
            return try respond {
                guard let command = try LiveCommand.command(json: body) else { throw CommandError("unknown command type \(body["type"] ?? "")") }
                try session.apply(command)
                return JSONResponse(LiveEvent.encode(session.status))
            }
        }
        router.post("/api/strokes") { request, context in
            let body = try await jsonBody(request, context)
            return try await continuation(session: session, body: body).map { JSONResponse($0) } ?? JSONResponse.error("no stroke model is loaded")
        }
        router.ws("/ws") { inbound, outbound, _ in
            try await WebSocketSession(session: session, logger: logger).run(inbound: inbound, outbound: outbound)
        }
        return router
    }

    static func jsonBody(_ request: Request, _ context: BatonRequestContext) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw HTTPError(.badRequest, message: "the body is not a JSON object")
        }
        return object
    }

    /// Runs `body`; user errors become a 400 with `{"error": …}`.
    static func respond(_ body: () throws -> JSONResponse) throws -> JSONResponse {
        do { return try body() } catch let error as HTTPError { throw error } catch {
            return JSONResponse.error("\(error)")
        }
    }

    /// A stroke continuation for a JSON request, as JSON (`{"type":"strokes","samples":[…]}`), off the event loop.
    static func continuation(session: LiveSession, body: [String: Any]) async throws -> String? {
        guard let strokes = session.strokes else { return nil }
        let points = (body["points"] as? [[Any]] ?? []).map { $0.map { ($0 as? NSNumber)?.floatValue ?? .nan } }
        func number(_ key: String, _ fallback: Double) -> Double { (body[key] as? NSNumber)?.doubleValue ?? fallback }
        let request = StrokeEngine.Request(
            points: points, steps: Int(number("steps", 100)), samples: Int(number("samples", 1)),
            weights: (body["weights"] as? [NSNumber])?.map(\.floatValue),
            piTemperature: Float(number("piTemperature", 0.7)), sigmaTemperature: Float(number("sigmaTemperature", 0.7)),
            seed: (body["seed"] as? NSNumber)?.uint64Value ?? UInt64.random(in: 0...UInt64.max))
        let id = body["id"].map { "\($0)" } ?? "null"
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do {
                    let samples = try strokes.continueStrokes(request)
                    let json = samples.map { sample in "[" + sample.map { LiveEvent.numbers($0, digits: 5) }.joined(separator: ",") + "]" }
                    continuation.resume(returning: "{\"type\":\"strokes\",\"id\":\(LiveEvent.quote(id)),\"samples\":[\(json.joined(separator: ","))]}")
                } catch {
                    continuation.resume(returning: "{\"type\":\"error\",\"id\":\(LiveEvent.quote(id)),\"message\":\(LiveEvent.quote("\(error)"))}")
                }
            }
        }
    }
}

/// A JSON body with the right content type.
struct JSONResponse: ResponseGenerator {
    var json: String
    var status: HTTPResponse.Status = .ok

    init(_ json: String, status: HTTPResponse.Status = .ok) {
        self.json = json
        self.status = status
    }

    static func error(_ message: String) -> JSONResponse {
        JSONResponse("{\"error\":\(LiveEvent.quote(message))}", status: .badRequest)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

/// With `--listen` on a non-loopback address, the API and the WebSocket need the token
/// printed at start-up (`?token=…` or `Authorization: Bearer …`); the Studio's files do not.
struct TokenMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api") || path.hasPrefix("/ws") else { return try await next(request, context) }
        let given = request.uri.queryParameters.get("token")
            ?? request.headers[.authorization].map { String($0.drop { $0 != " " }.dropFirst()) }
        guard let given, Self.equal(given, token) else {
            throw HTTPError(.unauthorized, message: "this server needs the token printed when it started (?token=…)")
        }
        return try await next(request, context)
    }

    /// Compares in time independent of where the strings differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
