import BatonCore
import BatonIMPSY
import BatonServer
import Foundation

/// What `baton serve --impsy-config` takes from an IMPSY config: the model, the mode and
/// its settings, OSC ports and names, the log format. Command-line options given
/// explicitly win over the file.
struct IMPSYServePlan {
    var config: IMPSYConfiguration
    var model: ModelList.Entry
    /// Everything worth saying before the server starts (warnings, stand-ins, choices made).
    var notes: [String]

    static func load(path: String, shippedModels: String?, seed: UInt64?) throws -> IMPSYServePlan {
        let config = try IMPSYConfiguration.load(path: path)
        guard let mode = InteractionMode(impsyName: config.mode.rawValue) else {
            throw CommandLineError(message: "IMPSY config \(path): mode \(config.mode.rawValue) has no Baton equivalent", hint: "use callresponse, polyphony, battle or useronly")
        }
        let shipped = shippedModels.map { [($0 as NSString).appendingPathComponent("control"), $0] } ?? []
        let choice = try IMPSYModelLocator.locate(config, shippedModels: shipped, seed: seed ?? 1)
        var notes = config.warnings + choice.warnings
        notes.append("mode \(config.mode.rawValue) → \(mode.rawValue)\(config.mode == .polyphony ? " (one answer per performer event, the model not feeding itself: IMPSY's polyphony)" : "")")
        return IMPSYServePlan(config: config, model: ModelList.Entry(path: choice.path ?? "untrained stand-in", model: choice.model), notes: notes)
    }

    var mode: InteractionMode { InteractionMode(impsyName: config.mode.rawValue) ?? .callresponse }

    /// The instrument's settings from `[model]` and `[interaction]`, applied once it runs.
    var commands: [LiveCommand] {
        [.setPiTemperature(config.piTemperature), .setSigmaTemperature(config.sigmaTemperature), .setTimescale(config.timescale),
         .setSilenceThreshold(config.threshold)]
    }

    /// OSC from `[osc]`. IMPSY listens on `server_ip` (usually 0.0.0.0, every interface);
    /// Baton stays on loopback unless `--listen` says otherwise, because a server reachable
    /// from the network needs a token and an allowlist (docs/midi.md explains).
    func apply(to configuration: inout ServerConfiguration, listenGiven: Bool, oscPortGiven: Bool, oscSendGiven: Bool) -> [String] {
        var notes: [String] = []
        configuration.mode = mode
        configuration.predictionAliases = ["/impsy"]
        configuration.interfaceThru = config.inputThru
        configuration.logStyle.predictions = config.logPredictions
        guard let osc = config.osc else { return notes }
        if !oscPortGiven { configuration.oscPort = osc.serverPort }
        if !listenGiven, !["127.0.0.1", "localhost", "::1"].contains(osc.serverIP) {
            notes.append("[osc] server_ip = \"\(osc.serverIP)\": Baton listens on 127.0.0.1 only; to accept OSC from other machines add --listen \(osc.serverIP) --allow THEIR-IP (the Studio then needs the printed token)")
        }
        if !oscSendGiven {
            var host = osc.clientIP
            if ["0.0.0.0", "::", ""].contains(host) {
                notes.append("[osc] client_ip = \"\(host)\" is not a destination: sending to 127.0.0.1 (IMPSY does the same)")
                host = "127.0.0.1"
            } else if !Self.resolves(host) {
                notes.append("[osc] client_ip = \"\(host)\" does not resolve on this machine (host.docker.internal exists only inside Docker): sending to 127.0.0.1")
                host = "127.0.0.1"
            }
            configuration.oscDestinations = ["\(host):\(osc.clientPort)"]
        }
        return notes
    }

    static func resolves(_ host: String) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        return status == 0
    }
}
