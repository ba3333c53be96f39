import BatonEnsemble
import BatonOSC

extension LiveCommand {
    /// Every method address the server answers (docs/protocol.md). Incoming addresses may
    /// be OSC patterns (`/baton/*`, `/baton/{temperature,threshold}`); a message is applied
    /// to every method its pattern matches.
    public static let oscAddresses: [String] = [
        "/baton/weights", "/baton/weight", "/baton/active", "/baton/temperature", "/baton/pooling", "/baton/threshold",
        "/baton/lookahead", "/baton/prime", "/baton/reset", "/baton/pause", "/baton/rate", "/baton/framerate",
        "/interface", "/baton/instrument/mode", "/baton/instrument/pi-temperature", "/baton/instrument/sigma-temperature",
        "/baton/instrument/timescale", "/baton/instrument/threshold", "/baton/instrument/reset", "/baton/instrument/pause",
    ]

    /// The commands an OSC message asks for. Numbers may arrive as int or float (Pure Data
    /// sends every number as a float). Throws for unknown addresses and bad arguments.
    public static func commands(from message: OSCMessage) throws(CommandError) -> [LiveCommand] {
        let targets: [String]
        if Self.oscAddresses.contains(message.address) {
            targets = [message.address]
        } else {
            guard let pattern = try? OSCAddressPattern(message.address) else { throw CommandError("bad OSC address pattern \(message.address)") }
            targets = Self.oscAddresses.filter { pattern.matches($0) }
        }
        guard !targets.isEmpty else { throw CommandError("no method at \(message.address)") }
        var commands: [LiveCommand] = []
        for address in targets { commands.append(try command(address: address, arguments: message.arguments)) }
        return commands
    }

    static func command(address: String, arguments a: [OSCArgument]) throws(CommandError) -> LiveCommand {
        func floats() throws(CommandError) -> [Float] {
            var values: [Float] = []
            for argument in a {
                guard let v = argument.floatValue, v.isFinite else { throw CommandError("\(address) expects numbers, got \(argument)") }
                values.append(v)
            }
            return values
        }
        func float() throws(CommandError) -> Float {
            guard a.count >= 1, let v = a[0].floatValue, v.isFinite else { throw CommandError("\(address) expects a number") }
            return v
        }
        func flag() -> Bool {
            guard let first = a.first else { return true }
            if case .boolean(let b) = first { return b }
            return (first.floatValue ?? 1) != 0
        }
        switch address {
        case "/baton/weights": return .setWeights(try floats())
        case "/baton/weight":
            guard a.count == 2, let value = a[1].floatValue else { throw CommandError("/baton/weight expects a model (index or name) and a weight") }
            if let name = a[0].stringValue { return .setWeight(model: .name(name), value: value) }
            guard let index = a[0].intValue else { throw CommandError("/baton/weight: model must be an index or a name") }
            return .setWeight(model: .index(index), value: value)
        case "/baton/active": return .setActive(try floats().map { Int($0.rounded()) })
        case "/baton/temperature": return .setTemperature(try float())
        case "/baton/pooling":
            if let name = a.first?.stringValue {
                guard let pooling = Pooling(rawValue: name) else { throw CommandError("/baton/pooling: linear or product, got \(name)") }
                return .setPooling(pooling)
            }
            return .setPooling(try float() >= 0.5 ? .product : .linear)
        case "/baton/threshold": return .setThreshold(try float())
        case "/baton/lookahead":
            if a.first?.stringValue == "off" { return .setLookahead(nil) }
            let v = try floats()
            guard v.count == 2 else { throw CommandError("/baton/lookahead expects candidates and depth (0 0 = off)") }
            let candidates = Int(v[0].rounded()), depth = Int(v[1].rounded())
            return .setLookahead(candidates <= 1 && depth <= 0 ? nil : Lookahead(candidates: candidates, depth: depth))
        case "/baton/prime":
            guard let text = a.first?.stringValue else { throw CommandError("/baton/prime expects a string") }
            return .prime(text)
        case "/baton/reset": return .reset
        case "/baton/pause": return .pause(flag())
        case "/baton/rate": return .setRate(Double(try float()))
        case "/baton/framerate": return .setFrameRate(Double(try float()))
        case "/interface": return .interface(try floats())
        case "/baton/instrument/mode":
            if let name = a.first?.stringValue {
                guard let mode = InteractionMode(rawValue: name.lowercased().replacingOccurrences(of: "-", with: "")) else {
                    throw CommandError("/baton/instrument/mode: none, filter, callresponse or battle, got \(name)")
                }
                return .setMode(mode)
            }
            let index = Int(try float().rounded())
            guard InteractionMode.allCases.indices.contains(index) else { throw CommandError("/baton/instrument/mode: 0–3, got \(index)") }
            return .setMode(InteractionMode.allCases[index])
        case "/baton/instrument/pi-temperature": return .setPiTemperature(try float())
        case "/baton/instrument/sigma-temperature": return .setSigmaTemperature(try float())
        case "/baton/instrument/timescale": return .setTimescale(Double(try float()))
        case "/baton/instrument/threshold": return .setSilenceThreshold(Double(try float()))
        case "/baton/instrument/reset": return .resetInstrument
        case "/baton/instrument/pause": return .pauseInstrument(flag())
        default: throw CommandError("no method at \(address)")
        }
    }
}
