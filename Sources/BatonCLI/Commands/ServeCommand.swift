import ArgumentParser
import BatonCore
import BatonServer
import Foundation
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the live server: text ensemble, predictive instrument and stroke models over OSC and WebSocket.",
        discussion: """
        With no models it loads the ones the project ships (Models/). Text models form the ensemble, the first control model is the instrument, stroke models continue drawings. OSC listens on --osc-port and sends to every --osc-send (IMPS defaults: in 5001, out 5000); the Studio and the JSON API are on --http-port. The address space and the WebSocket messages are in docs/protocol.md. Every instrument event is logged to WORKSPACE/logs as CSV; `baton dataset` and `baton train control` turn logs into a model.

        Binding to anything but 127.0.0.1 (--listen) requires a token for the API and the WebSocket (printed at start) and accepts OSC only from --allow addresses.

        Example: baton serve --mode callresponse --osc-send 127.0.0.1:5000 --http-port 8000
        """
    )

    @Argument(help: "Models (.safetensors) or folders of them (default: the shipped Models/).")
    var models: [String] = []

    @Option(name: .customLong("models"), help: "A folder of models (same as giving it as an argument).")
    var modelsFolder: String?

    @Option(name: .customLong("osc-port"), help: "UDP port for incoming OSC (0 = any free port).")
    var oscPort: Int = 5001

    @Option(name: .customLong("osc-send"), help: "HOST:PORT to send OSC to (repeatable).")
    var oscSend: [String] = []

    @Flag(name: .customLong("reply-to-sender"), help: "Also send OSC back to every address that sent us OSC.")
    var replyToSender = false

    @Option(name: .customLong("http-port"), help: "Port for the Studio, the API and the WebSocket (0 = any free port).")
    var httpPort: Int = 8000

    @Option(name: .long, help: "Address to bind (127.0.0.1 keeps the server on this machine).")
    var listen: String = "127.0.0.1"

    @Option(name: .long, help: "IP address allowed to send OSC when --listen exposes the server (repeatable).")
    var allow: [String] = []

    @Option(name: .long, help: "Folder for logs, datasets and models trained from the Studio.")
    var workspace: String = "baton-workspace"

    @Option(name: .customLong("log-dir"), help: "Folder for session logs (default: WORKSPACE/logs).")
    var logDir: String?

    @Option(name: .long, help: "Instrument mode: none, filter, callresponse or battle.")
    var mode: String = "callresponse"

    @Option(name: .long, help: "Text symbols per second (0 = as fast as it goes).")
    var rate: Double = 25

    @Option(name: .customLong("prediction-address"), help: "OSC address of predictions (IMPSY uses /prediction).")
    var predictionAddress: String = "/prediction"

    @OptionGroup var seed: SeedArguments<RandomSeed>

    @OptionGroup var precision: PrecisionArguments

    @Option(name: .long, help: "Serve the Studio from this folder (while editing its files) instead of the built-in copy.")
    var studio: String?

    func validate() throws {
        guard InteractionMode(rawValue: mode) != nil else { throw ValidationError("--mode must be none, filter, callresponse or battle, got '\(mode)'") }
        guard (0...65535).contains(oscPort), (0...65535).contains(httpPort) else { throw ValidationError("ports are 0–65535") }
        guard rate >= 0 else { throw ValidationError("--rate must be ≥ 0") }
        for destination in oscSend where destination.split(separator: ":").count != 2 || Int(destination.split(separator: ":").last ?? "") == nil {
            throw ValidationError("--osc-send must be HOST:PORT, got '\(destination)'")
        }
    }

    func run() async throws {
        var paths = models + (modelsFolder.map { [$0] } ?? [])
        if paths.isEmpty { paths = [try ShippedModels.folder()] }
        let loaded = try ModelList.load(paths)
        var configuration = ServerConfiguration()
        configuration.listen = listen
        configuration.httpPort = httpPort
        configuration.oscPort = oscPort
        configuration.oscDestinations = oscSend.isEmpty ? ["127.0.0.1:5000"] : oscSend
        configuration.replyToSender = replyToSender
        configuration.allow = allow
        configuration.workspace = workspace
        configuration.logDirectory = logDir
        configuration.mode = InteractionMode(rawValue: mode) ?? .callresponse
        configuration.textRate = rate
        configuration.predictionAddress = predictionAddress
        configuration.seed = seed.resolve()
        configuration.studioFolder = studio
        configuration.precision = precision.precision
        if !configuration.isLoopback {
            configuration.token = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        }
        var logger = Logger(label: "baton")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let server = try LiveServer(configuration: configuration, models: loaded.map { ($0.path, $0.model) }, logger: logger)
        let session = server.session
        let token = configuration.token
        try await server.run(extraServices: [StatusLineService(session: session)]) { endpoints in
            var lines: [String] = []
            let kinds = Dictionary(grouping: loaded) { $0.model.config.kind }
            for kind in ModelKind.allCases {
                for entry in kinds[kind] ?? [] {
                    lines.append("  \(kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(entry.model.displayName) — \(describe(entry.model.config)) (\(entry.path))")
                }
            }
            let query = token.map { "?token=\($0)" } ?? ""
            lines.append("studio     http://\(endpoints.http)/\(query)")
            lines.append("OSC in     \(endpoints.oscIn) (udp)")
            lines.append("OSC out    \(endpoints.oscOut.joined(separator: ", "))")
            if let log = endpoints.log { lines.append("session log \(log)") }
            if let token { lines.append("token      \(token) (needed for the API and WebSocket; OSC accepted from: \(allow.isEmpty ? "nobody — add --allow" : allow.joined(separator: ", ")))") }
            lines.append("Ctrl-C stops (logs are flushed)")
            Terminal.write("baton serve: \(loaded.count) models\n" + lines.joined(separator: "\n") + "\n")
        }
        Terminal.writeError("\nstopped; logs flushed\n")
    }
}

/// The models the project ships: ./Models, or Models/ beside the checkout the binary was built in.
enum ShippedModels {
    static func folder() throws -> String {
        let here = FileManager.default.currentDirectoryPath + "/Models"
        if FileManager.default.fileExists(atPath: here) { return here }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let checkout = executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Models").path
        if FileManager.default.fileExists(atPath: checkout) { return checkout }
        throw CommandLineError(message: "no models given and no Models/ folder found", hint: "run from the Baton checkout or give model files")
    }
}

/// A live status line on stderr: symbols, predictions, OSC traffic, clients.
struct StatusLineService: Service {
    let session: LiveSession

    func run() async throws {
        let line = ProgressLine(interval: 1)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isShuttingDownGracefully { break }
            let s = session.status
            var parts: [String] = []
            if let text = s.text { parts.append("text \(text.symbols) symbols\(text.paused ? " (paused)" : "")") }
            if let i = s.instrument { parts.append("instrument \(i.mode): \(i.inputs) in, \(i.predictions) predicted") }
            parts.append("OSC \(s.osc.received) in / \(s.osc.sent) out / \(s.osc.malformed + s.osc.refused + s.osc.unknown) dropped")
            parts.append("\(s.clients) clients")
            line.update(parts.joined(separator: " · "))
        }
        line.finish()
    }
}
