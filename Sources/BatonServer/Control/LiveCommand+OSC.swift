import BatonEnsemble
import BatonOSC

extension LiveCommand {
    /// Every method address the server answers (docs/protocol.md). Incoming addresses may
    /// be OSC patterns (`/baton/*`, `/baton/{temperature,threshold}`); a message is applied
    /// to every method its pattern matches.
    public static let oscAddresses: [String] = [
        "/baton/weights", "/baton/weight", "/baton/active", "/baton/temperature", "/baton/pooling", "/baton/threshold",
        "/baton/lookahead", "/baton/prime", "/baton/reset", "/baton/pause", "/baton/rate", "/baton/fastest", "/baton/framerate",
        "/baton/feed", "/baton/adapt", "/baton/adapt-rate", "/baton/adapt-reset", "/baton/adapt-save",
        "/interface", "/baton/instrument/mode", "/baton/instrument/pi-temperature", "/baton/instrument/sigma-temperature",
        "/baton/instrument/timescale", "/baton/instrument/threshold", "/baton/instrument/reset", "/baton/instrument/pause",
        "/baton/instrument/adapt", "/baton/instrument/adapt-rate", "/baton/instrument/adapt-reset", "/baton/instrument/adapt-save",
    ]

    /// The commands an OSC message asks for, every value checked against `LiveLimits`.
    /// Numbers may arrive as int32, float32, int64, float64 or booleans (Pure Data sends
    /// every number as a float). Throws for unknown addresses and refused arguments.
    public static func commands(from message: OSCMessage) throws(CommandError) -> [LiveCommand] {
        let targets = methods(matching: message.address)
        guard !targets.isEmpty else { throw CommandError("no method at \(message.address)") }
        var commands: [LiveCommand] = []
        for address in targets { commands.append(try command(address: address, arguments: OSCArguments(address: address, values: message.arguments))) }
        return commands
    }

    /// The method addresses an incoming address or pattern names (none for a bad pattern).
    public static func methods(matching address: String) -> [String] {
        if oscAddresses.contains(address) { return [address] }
        guard let pattern = try? OSCAddressPattern(address) else { return [] }
        return oscAddresses.filter { pattern.matches($0) }
    }

    static func command(address: String, arguments a: OSCArguments) throws(CommandError) -> LiveCommand {
        switch address {
        case "/baton/weights":
            try LiveLimits.count(a.values.count, LiveLimits.modelCount)
            return .setWeights(try a.indices.map { i throws(CommandError) in try a.float(i, LiveLimits.weight) })
        case "/baton/weight":
            guard a.values.count == 2 else { throw CommandError("/baton/weight expects a model (index or name) and a weight") }
            let value = try a.float(1, LiveLimits.weight)
            return .setWeight(model: try a.model(0), value: value)
        case "/baton/active":
            try LiveLimits.count(a.values.count, LiveLimits.modelCount)
            return .setActive(try a.indices.map { i throws(CommandError) in try a.int(i, LiveLimits.modelIndex) })
        case "/baton/temperature": return .setTemperature(try a.float(0, LiveLimits.temperature))
        case "/baton/pooling":
            if let name = a.values.first?.stringValue {
                guard let pooling = Pooling(rawValue: name.lowercased()) else { throw CommandError("/baton/pooling: linear or product, got \(name)") }
                return .setPooling(pooling)
            }
            return .setPooling(try a.int(0, NumericLimit("pooling", 0...1, whole: true)) == 1 ? .product : .linear)
        case "/baton/threshold": return .setThreshold(try a.float(0, LiveLimits.threshold))
        case "/baton/lookahead":
            if a.values.first?.stringValue?.lowercased() == "off" { return .setLookahead(nil) }
            guard a.values.count == 2 else { throw CommandError("/baton/lookahead expects candidates and depth (0 0 or \"off\" turns it off)") }
            return .setLookahead(try lookahead(candidates: try a.int(0, LiveLimits.lookaheadCandidates), depth: try a.int(1, LiveLimits.lookaheadDepth)))
        case "/baton/prime":
            guard let text = a.values.first?.stringValue else { throw CommandError("/baton/prime expects a string") }
            return .prime(try checkedPrime(text))
        case "/baton/reset": return .reset
        case "/baton/pause": return .pause(try a.flag())
        case "/baton/rate": return try rate(a.number(0, "rate"))
        case "/baton/fastest": return .setFastest(try a.flag())
        case "/baton/framerate": return .setFrameRate(try a.double(0, LiveLimits.frameRate))
        case "/baton/feed":
            guard let text = a.values.first?.stringValue else { throw CommandError("/baton/feed expects a string") }
            return .feed(try checkedFeed(text))
        case "/baton/adapt":
            return .setModelAdaptation(model: try a.model(0), on: try OSCArguments(address: address, values: Array(a.values.dropFirst())).flag())
        case "/baton/adapt-rate":
            guard a.values.count == 2 else { throw CommandError("/baton/adapt-rate expects a model (index or name) and a rate") }
            return .setModelAdaptationRate(model: try a.model(0), rate: try a.float(1, LiveLimits.adaptationRate))
        case "/baton/adapt-reset": return .resetModelAdaptation(try a.model(0))
        case "/baton/adapt-save": return .saveModelAdaptation(try a.model(0))
        case "/interface":
            try LiveLimits.count(a.values.count, LiveLimits.interfaceCount)
            return .interface(try a.indices.map { i throws(CommandError) in try a.float(i, LiveLimits.controlValue) })
        case "/baton/instrument/mode":
            if let name = a.values.first?.stringValue {
                guard let mode = InteractionMode(lenient: name) else { throw CommandError("/baton/instrument/mode: none, filter, callresponse or battle, got \(name)") }
                return .setMode(mode)
            }
            return .setMode(InteractionMode.allCases[try a.int(0, LiveLimits.modeIndex)])
        case "/baton/instrument/pi-temperature": return .setPiTemperature(try a.float(0, LiveLimits.piTemperature))
        case "/baton/instrument/sigma-temperature": return .setSigmaTemperature(try a.float(0, LiveLimits.sigmaTemperature))
        case "/baton/instrument/timescale": return .setTimescale(try a.double(0, LiveLimits.timescale))
        case "/baton/instrument/threshold": return .setSilenceThreshold(try a.double(0, LiveLimits.silenceThreshold))
        case "/baton/instrument/reset": return .resetInstrument
        case "/baton/instrument/pause": return .pauseInstrument(try a.flag())
        case "/baton/instrument/adapt": return .setAdaptation(try a.flag())
        case "/baton/instrument/adapt-rate": return .setAdaptationRate(try a.float(0, LiveLimits.adaptationRate))
        case "/baton/instrument/adapt-reset": return .resetAdaptation
        case "/baton/instrument/adapt-save": return .saveAdaptation
        default: throw CommandError("no method at \(address)")
        }
    }

    // MARK: Shared by the OSC and JSON parsers

    /// `0 0`, `1 0` (and `off`) turn lookahead off; otherwise candidates ≥ 1 and the work bound.
    static func lookahead(candidates: Int, depth: Int) throws(CommandError) -> Lookahead? {
        if candidates <= 1 && depth == 0 { return nil }
        guard candidates >= 1 else { throw CommandError("lookahead candidates must be ≥ 1 when depth is \(depth) (0 0 turns lookahead off)") }
        _ = try LiveLimits.lookaheadWork.checkInt(Double(candidates * depth))
        return Lookahead(candidates: candidates, depth: depth)
    }

    /// 0 asks for the fastest mode (the meaning it has always had on OSC); anything else is a rate.
    static func rate(_ value: Double) throws(CommandError) -> LiveCommand {
        if value == 0 { return .setFastest(true) }
        return .setRate(try LiveLimits.rate.check(value))
    }

    static func checkedPrime(_ text: String) throws(CommandError) -> String {
        try LiveLimits.count(text.utf8.count, LiveLimits.primeBytes)
        return text
    }

    static func checkedFeed(_ text: String) throws(CommandError) -> String {
        try LiveLimits.count(text.utf8.count, LiveLimits.feedBytes)
        return text
    }

    static func checkedName(_ name: String) throws(CommandError) -> String {
        try LiveLimits.count(name.utf8.count, LiveLimits.modelNameBytes)
        return name
    }
}

/// The arguments of one OSC message, read with the limits they must meet.
struct OSCArguments {
    let address: String
    let values: [OSCArgument]

    var indices: Range<Int> { values.indices }

    /// Argument `i` as a number, whatever numeric type it came as.
    func number(_ i: Int, _ name: String) throws(CommandError) -> Double {
        guard i < values.count else { throw CommandError("\(address) expects a number (\(name)) as argument \(i + 1)") }
        switch values[i] {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        case .int32(let v): return Double(v)
        case .int64(let v): return Double(v)
        case .boolean(let v): return v ? 1 : 0
        default: throw CommandError("\(address): \(name) must be a number, got \(values[i])")
        }
    }

    func double(_ i: Int, _ limit: NumericLimit) throws(CommandError) -> Double { try limit.check(try number(i, limit.name)) }
    func float(_ i: Int, _ limit: NumericLimit) throws(CommandError) -> Float { try limit.checkFloat(try number(i, limit.name)) }
    func int(_ i: Int, _ limit: NumericLimit) throws(CommandError) -> Int { try limit.checkInt(try number(i, limit.name)) }

    /// Argument `i` as a model: a name (a string) or an index in the loaded list.
    func model(_ i: Int) throws(CommandError) -> ModelReference {
        if i < values.count, let name = values[i].stringValue { return .name(try LiveCommand.checkedName(name)) }
        return .index(try int(i, LiveLimits.modelIndex))
    }

    /// No argument means on; a number means on unless it is 0; NaN and infinities are refused.
    func flag() throws(CommandError) -> Bool {
        guard !values.isEmpty else { return true }
        let v = try number(0, "flag")
        guard v.isFinite else { throw CommandError("\(address): the flag must be 0 or 1, got \(v)") }
        return v != 0
    }
}
