import ArgumentParser
import BatonCore
import BatonMIDI
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

        Binding to anything but 127.0.0.1 (--listen) requires a token for the API and the WebSocket (printed at start) and accepts OSC only from --allow addresses. Web pages from other sites cannot use the API or the WebSocket unless --allow-origin names them; the server answers only to loopback names, the --listen address and --allow-host names. Every value a client sends is checked against the ranges in docs/protocol.md; threats and limits are in docs/reliability.md.

        MIDI: --midi opens virtual ports "Baton in"/"Baton out"; --midi-in/--midi-out open devices by (part of) their names (`baton midi list`); --midi-map binds controllers to the text ensemble. --impsy-config runs an IMPSY config.toml unchanged: its model, mode, temperatures, MIDI devices and mappings, OSC ports, /impsy names and .log files (docs/midi.md).

        Example: baton serve --mode callresponse --osc-send 127.0.0.1:5000 --http-port 8000
        Example: baton serve --impsy-config ~/impsy/configs/roland-s-1.toml
        """
    )

    @Argument(help: "Models (.safetensors) or folders of them (default: the shipped Models/).")
    var models: [String] = []

    @Option(name: .customLong("models"), help: "A folder of models (same as giving it as an argument).")
    var modelsFolder: String?

    @Option(name: .customLong("osc-port"), help: "UDP port for incoming OSC (0 = any free port; default 5001, or the IMPSY config's server_port).")
    var oscPort: Int?

    @Option(name: .customLong("osc-send"), help: "HOST:PORT to send OSC to (repeatable).")
    var oscSend: [String] = []

    @Flag(name: .customLong("reply-to-sender"), help: "Also send OSC back to every address that sent us OSC.")
    var replyToSender = false

    @Option(name: .customLong("http-port"), help: "Port for the Studio, the API and the WebSocket (0 = any free port).")
    var httpPort: Int = 8000

    @Option(name: .long, help: "Address to bind (default 127.0.0.1, which keeps the server on this machine).")
    var listen: String?

    @Option(name: .long, help: "IP address allowed to send OSC when --listen exposes the server (repeatable).")
    var allow: [String] = []

    @Option(name: .long, help: "Folder for logs, datasets and models trained from the Studio.")
    var workspace: String = "baton-workspace"

    @Option(name: .customLong("log-dir"), help: "Folder for session logs (default: WORKSPACE/logs).")
    var logDir: String?

    @Option(name: .long, help: "Instrument mode: none, filter, callresponse or battle (default callresponse, or the IMPSY config's mode).")
    var mode: String?

    @Option(name: .long, help: "Text symbols per second, 0.1–1000 (0 = the fastest mode, capped by --max-text-rate).")
    var rate: Double = 25

    @Option(name: .customLong("max-text-rate"), help: "The most text symbols per second in any mode, 1–100000.")
    var maxTextRate: Double = LiveLimits.defaultMaximumTextRate

    @Option(name: .customLong("allow-origin"), help: "A web origin (e.g. http://localhost:3000) whose pages may use the API and WebSocket (repeatable).")
    var allowOrigin: [String] = []

    @Option(name: .customLong("allow-host"), help: "A host name the server answers to besides loopback and --listen, e.g. behind a proxy (repeatable).")
    var allowHost: [String] = []

    @Option(name: .customLong("prediction-address"), help: "OSC address of predictions (IMPS used /prediction; with --impsy-config they also go to IMPSY's /impsy).")
    var predictionAddress: String = "/prediction"

    @OptionGroup var seed: SeedArguments<RandomSeed>

    @OptionGroup var precision: PrecisionArguments

    @Option(name: .long, help: "Serve the Studio from this folder (while editing its files) instead of the built-in copy.")
    var studio: String?

    @OptionGroup(title: "MIDI and IMPSY")
    var midi: ServeMIDIOptions

    func validate() throws {
        if let mode, InteractionMode(rawValue: mode) == nil { throw ValidationError("--mode must be none, filter, callresponse or battle, got '\(mode)'") }
        guard (0...65535).contains(oscPort ?? 0), (0...65535).contains(httpPort) else { throw ValidationError("ports are 0–65535") }
        guard rate == 0 || LiveLimits.rate.range.contains(rate) else { throw ValidationError("--rate must be 0 (fastest) or in \(LiveLimits.rate.rangeText), got \(rate)") }
        guard LiveLimits.maximumTextRate.range.contains(maxTextRate) else { throw ValidationError("--max-text-rate must be in \(LiveLimits.maximumTextRate.rangeText), got \(maxTextRate)") }
        for origin in allowOrigin where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
            throw ValidationError("--allow-origin is scheme://host[:port], e.g. http://localhost:3000, got '\(origin)'")
        }
        for destination in oscSend where destination.split(separator: ":").count != 2 || Int(destination.split(separator: ":").last ?? "") == nil {
            throw ValidationError("--osc-send must be HOST:PORT, got '\(destination)'")
        }
    }

    func run() async throws {
        let plan = try midi.impsyConfig.map { try IMPSYServePlan.load(path: $0, shippedModels: try? ShippedModels.folder(), seed: seed.seed.flatMap { UInt64($0) }) }
        var paths = models + (modelsFolder.map { [$0] } ?? [])
        if paths.isEmpty && plan == nil { paths = [try ShippedModels.folder()] }
        let given = paths.isEmpty ? [] : try ModelList.load(paths)
        // An IMPSY config's model is the instrument; other models given still join the text ensemble and the strokes.
        let loaded = plan.map { [$0.model] + given.filter { $0.model.config.kind != .control } } ?? given
        var configuration = ServerConfiguration()
        configuration.listen = listen ?? "127.0.0.1"
        configuration.httpPort = httpPort
        configuration.oscPort = oscPort ?? 5001
        configuration.oscDestinations = oscSend.isEmpty ? ["127.0.0.1:5000"] : oscSend
        configuration.replyToSender = replyToSender
        configuration.allow = allow
        configuration.workspace = workspace
        configuration.logDirectory = logDir
        configuration.mode = mode.flatMap(InteractionMode.init(rawValue:)) ?? .callresponse
        configuration.textRate = rate
        configuration.maximumTextRate = maxTextRate
        configuration.allowOrigins = allowOrigin
        configuration.allowHosts = allowHost
        configuration.predictionAddress = predictionAddress
        configuration.seed = seed.resolve()
        configuration.studioFolder = studio
        configuration.precision = precision.precision
        if let plan {
            let notes = plan.notes + plan.apply(to: &configuration, listenGiven: listen != nil, oscPortGiven: oscPort != nil, oscSendGiven: !oscSend.isEmpty)
            if let mode { configuration.mode = InteractionMode(rawValue: mode) ?? configuration.mode }
            Terminal.writeError(notes.map { "impsy-config: \($0)\n" }.joined())
        }
        configuration.logStyle.format = midi.logFormat.flatMap(SessionLog.Format.init(rawValue:)) ?? (plan == nil ? .csv : .impsy)
        if !configuration.isLoopback {
            configuration.token = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        }
        var logger = Logger(label: "baton")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let server = try LiveServer(configuration: configuration, models: loaded.map { ($0.path, $0.model) }, logger: logger)
        let session = server.session
        let token = configuration.token
        let midiService = try midi.service(session: session, plan: plan, logger: logger)
        let settings = plan?.commands ?? []
        let aliases = configuration.predictionAliases, predictionAddress = configuration.predictionAddress
        try await server.run(extraServices: [StatusLineService(session: session, midi: midiService?.rig)] + (midiService.map { [$0] } ?? [])) { endpoints in
            for command in settings { try? session.apply(command) }
            var lines: [String] = []
            let kinds = Dictionary(grouping: loaded) { $0.model.config.kind }
            for kind in ModelKind.allCases {
                for entry in kinds[kind] ?? [] {
                    lines.append("  \(kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(entry.model.displayName) — \(entry.model.config.description) (\(entry.path))")
                }
            }
            let query = token.map { "?token=\($0)" } ?? ""
            lines.append("studio     http://\(endpoints.http)/\(query)")
            lines.append("OSC in     \(endpoints.oscIn) (udp)")
            lines.append("OSC out    \(endpoints.oscOut.joined(separator: ", ")) (\(([predictionAddress] + aliases).joined(separator: ", ")))")
            if let rig = midiService?.rig { lines.append("MIDI       \(rig.backend.apiName): \(rig.configuration.inputs.count) in, \(rig.configuration.outputs.count) out") }
            if let logs = endpoints.logFolder { lines.append("session logs \(logs) (a file per session, created with its first event)") }
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
    var midi: MIDIRig?

    func run() async throws {
        let line = ProgressLine(interval: 1)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isShuttingDownGracefully { break }
            let s = session.status
            var parts: [String] = []
            if let text = s.text { parts.append("text \(text.symbols) symbols\(text.paused ? " (paused)" : "")") }
            if let i = s.instrument { parts.append("instrument \(i.mode): \(i.inputs) in, \(i.predictions) predicted") }
            parts.append("OSC \(s.osc.received) in / \(s.osc.sent) out / \(s.osc.dropped) dropped")
            if let counters = midi?.status.counters { parts.append("MIDI \(counters.received) in / \(counters.sent) out") }
            parts.append("\(s.clients) clients")
            line.update(parts.joined(separator: " · "))
        }
        line.finish()
    }
}
