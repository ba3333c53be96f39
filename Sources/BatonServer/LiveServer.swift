import BatonCore
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// What `baton serve` was asked to do.
public struct ServerConfiguration: Sendable {
    /// The address HTTP and OSC listen on (`--listen`); loopback unless the server is exposed.
    public var listen = "127.0.0.1"
    /// The Studio's, the API's and the WebSocket's port (0: one the system picks).
    public var httpPort = 8000
    /// The UDP port OSC arrives on (0: one the system picks).
    public var oscPort = 5001
    /// Where OSC events go, as HOST:PORT.
    public var oscDestinations: [String] = ["127.0.0.1:5000"]
    /// Also send events back to the latest senders of valid packets.
    public var replyToSender = false
    /// OSC senders accepted when listening beyond loopback (IP addresses).
    public var allow: [String] = []
    /// The Workshop's folder of logs, datasets and models.
    public var workspace = "baton-workspace"
    /// Where session logs go (nil: the workspace's logs/ folder).
    public var logDirectory: String?
    /// The instrument's interaction mode at start.
    public var mode: InteractionMode = .callresponse
    /// Symbols per second; 0 starts in the fastest mode.
    public var textRate: Double = 25
    /// The ceiling on symbols per second in every mode (`--max-text-rate`).
    public var maximumTextRate = LiveLimits.defaultMaximumTextRate
    /// The OSC address predictions are sent to.
    public var predictionAddress = "/prediction"
    /// Further addresses every prediction is also sent to, with its values clipped to [0, 1]
    /// as IMPSY sends them (`/impsy` for an IMPSY config).
    public var predictionAliases: [String] = []
    /// Performer events also go to `predictionAliases` (IMPSY's `input_thru`).
    public var interfaceThru = false
    /// Session logs: Baton's CSV or IMPSY's `.log` lines, with or without the model's rows.
    public var logStyle = SessionLog.Style()
    /// Seed of every engine's random draws (nil: a fresh one each run).
    public var seed: UInt64?
    /// Required for the API and WebSocket; set automatically when `listen` is not loopback.
    public var token: String?
    /// Origins besides the server's own whose pages may use the API (`--allow-origin`).
    public var allowOrigins: [String] = []
    /// Host names besides loopback and `listen` the server answers to (`--allow-host`).
    public var allowHosts: [String] = []
    /// Serve the Studio from this folder instead of the package's resources (development).
    public var studioFolder: String?
    /// How the text ensemble stores its weights.
    /// nil: as the files store them (`WeightPrecision.asStored`).
    public var precision: WeightPrecision?

    /// The defaults of `baton serve`.
    public init() {}

    /// Whether only this machine can reach the server.
    public var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(listen) }
}

/// A model the server loaded, as `GET /api/models` lists it (by file name: the API never
/// shows absolute paths).
public struct ModelSummary: Sendable, Encodable {
    /// The model's position in the loaded list (what commands refer to).
    public var index: Int
    /// Its display name.
    public var name: String
    /// Its colour (`#rrggbb`), distinct from the other models'.
    public var colour: String
    /// text, control or strokes.
    public var kind: String
    /// LSTM layers.
    public var layers: Int
    /// Units per layer.
    public var units: Int
    /// Trainable values.
    public var parameters: Int
    /// Width of one input (256 for text).
    public var dims: Int
    /// What it was trained on, when the file says.
    public var corpus: String?
    /// Its file name, without folders.
    public var file: String
    /// Where it was loaded from (not sent).
    var path: String
    /// Stroke models: which way y points in their data ("up" for tablets, "down" for screens).
    public var yAxis: String?

    enum CodingKeys: String, CodingKey { case index, name, colour, kind, layers, units, parameters, dims, corpus, file, yAxis }

    /// The summary of `model`, loaded from `path`, at position `index`.
    public init(index: Int, path: String, model: Model) {
        self.index = index
        self.path = path
        file = (path as NSString).lastPathComponent
        name = model.displayName
        colour = model.colour ?? ModelStyle.palette[index % ModelStyle.palette.count]
        kind = model.config.kind.rawValue
        layers = model.config.layers
        units = model.config.units
        parameters = model.config.parameterCount
        dims = model.config.inputSize
        corpus = model.metadata[MetadataKey.corpus]
        yAxis = model.config.kind == .strokes ? (model.metadata["y_axis"] ?? "down") : nil
    }
}

/// Where the running server can be reached (ports resolved when 0 was asked for).
public struct ServerEndpoints: Sendable {
    /// HOST:PORT of the Studio, API and WebSocket.
    public var http: String
    /// HOST:PORT that OSC is received on.
    public var oscIn: String
    /// Where OSC events are sent.
    public var oscOut: [String]
    /// Where session logs go (a file appears with the first event), when an instrument runs.
    public var logFolder: String?
}

/// `baton serve`: the live session behind OSC, WebSocket and HTTP, in one service group with
/// graceful shutdown on SIGINT and SIGTERM (engines stopped, logs flushed and closed).
public final class LiveServer: Sendable {
    /// What the server was started with.
    public let configuration: ServerConfiguration
    /// The engines and the event hub, for in-process use beside the transports.
    public let session: LiveSession
    let catalog: [ModelSummary]
    let logger: Logger

    /// A server for these models (text, at most one control model, strokes); the engines start with `run`. Throws when the session log cannot be made.
    public init(configuration: ServerConfiguration, models: [(path: String, model: Model)], logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let hub = EventHub()
        // Every model gets a colour of its own, so the Studio and OSC clients can tell them apart.
        let colours = ModelStyle.distinctColours(models.map { $0.model.colour })
        let models = models.enumerated().map { i, entry -> (path: String, model: Model) in
            var model = entry.model
            model.metadata[MetadataKey.colour] = colours[i]
            return (entry.path, model)
        }
        let textEntries = models.filter { $0.model.config.kind == .text }
        let text = textEntries.map(\.model)
        let control = models.first { $0.model.config.kind == .control }
        let strokes = models.filter { $0.model.config.kind == .strokes }.map(\.model)
        let seed = configuration.seed ?? UInt64.random(in: 0...UInt64.max)
        let workshop = Workshop(root: configuration.workspace, logs: configuration.logDirectory, hub: hub, loadedFiles: models.map(\.path))
        session = LiveSession(
            hub: hub,
            text: text.isEmpty ? nil : TextEngine(models: text, files: textEntries.map(\.path), modelFolder: workshop.models, hub: hub,
                                                  rate: configuration.textRate, maximumRate: configuration.maximumTextRate,
                                                  precision: configuration.precision ?? .asStored(text), seed: seed),
            instrument: try control.map { try InstrumentEngine(model: $0.model, file: $0.path, hub: hub, mode: configuration.mode, logFolder: workshop.logs,
                                                               logStyle: configuration.logStyle, modelFolder: workshop.models, seed: seed &+ 1) },
            strokes: strokes.isEmpty ? nil : StrokeEngine(models: strokes),
            workshop: workshop)
        catalog = models.enumerated().map { ModelSummary(index: $0, path: $1.path, model: $1.model) }
        session.outputs.withLock {
            $0.osc = configuration.oscDestinations
            $0.predictionAddresses = [configuration.predictionAddress] + configuration.predictionAliases
        }
    }

    /// The Studio's files inside the package's resources.
    public static var studioFolder: String? {
        Bundle.module.resourceURL.map { $0.appendingPathComponent("Studio").path }
    }

    /// Runs until SIGINT/SIGTERM. `ready` is called once both sockets are bound. Throws
    /// `StudioPageError` before binding when the Studio folder lacks its shared head or a page its marker.
    public func run(extraServices: [any Service] = [], ready: @escaping @Sendable (ServerEndpoints) async -> Void) async throws {
        var destinations: [SocketAddress] = []
        for text in configuration.oscDestinations {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]), let address = try? SocketAddress.makeAddressResolvingHost(String(parts[0]), port: port) else {
                throw CommandError("--osc-send \(text) is not HOST:PORT")
            }
            destinations.append(address)
        }
        var oscConfiguration = OSCService.Configuration(
            host: configuration.listen, port: configuration.oscPort, destinations: destinations, replyToSender: configuration.replyToSender,
            allowlist: configuration.isLoopback ? nil : Set(configuration.allow),
            predictionAddress: configuration.predictionAddress, predictionAliases: configuration.predictionAliases)
        oscConfiguration.interfaceThru = configuration.interfaceThru
        let osc = OSCService(configuration: oscConfiguration, session: session, logger: logger)
        // The pages are assembled here, before anything listens: a broken Studio folder stops the start.
        var studio: StudioPages?
        if let folder = configuration.studioFolder ?? Self.studioFolder { studio = try StudioPages(folder: folder) }
        let access = AccessPolicy(token: configuration.token, listen: configuration.listen, allowHosts: configuration.allowHosts,
                                  allowOrigins: configuration.allowOrigins, isStudioFile: AccessMiddleware.studioFiles(in: studio?.folder))
        let router = HTTPInterface.router(session: session, catalog: catalog, access: access, studio: studio, logger: logger)
        let session = self.session, outputs = configuration.oscDestinations
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(maxFrameSize: HTTPInterface.maximumWebSocketMessage)),
            configuration: .init(address: .hostname(configuration.listen, port: configuration.httpPort), serverName: "baton"),
            services: [SessionService(session: session), osc] + extraServices,
            onServerRunning: { channel in
                let http = channel.localAddress.map { "\($0.ipAddress ?? "127.0.0.1"):\($0.port ?? 0)" } ?? "?"
                let oscIn = await osc.boundAddress().map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                await ready(ServerEndpoints(http: http, oscIn: oscIn, oscOut: outputs, logFolder: session.instrument.map { _ in session.workshop.logs }))
            },
            logger: logger)
        try await app.runService()
    }
}

/// Starts the engines with the service group and stops them (flushing the log) on shutdown.
struct SessionService: Service {
    let session: LiveSession

    func run() async throws {
        session.start()
        try? await gracefulShutdown()
        session.stop()
    }
}
