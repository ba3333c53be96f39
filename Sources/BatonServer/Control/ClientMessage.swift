import BatonEnsemble
import Foundation

/// One JSON message from a WebSocket client or an HTTP body: a live command (the same ones
/// OSC carries), a status request, or a stroke continuation request. Decoded with
/// `Decodable` and checked against `LiveLimits` while decoding, so a value that decodes is
/// a value the engines accept.
public enum ClientMessage: Sendable, Equatable {
    /// A live command (`weights`, `temperature`, `prime`, `interface`…), applied with no reply unless refused.
    case command(LiveCommand)
    /// A request for the current `status` event.
    case status
    /// A request to continue the performer's pen strokes.
    case strokes(StrokeRequest)

    /// Decodes a JSON object; every refusal is one line naming the field (`CommandError`).
    public static func decode(_ bytes: some Collection<UInt8>) throws(CommandError) -> ClientMessage {
        try WireJSON.decode(ClientMessage.self, from: bytes)
    }
}

extension ClientMessage: Decodable {
    enum Key: String, CodingKey {
        case type, value, weights, model, models, candidates, depth, text, paused, on, values, mode
    }

    /// Decodes one client JSON object by its `type`, checking every value against `LiveLimits`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let type = try? c.decode(String.self, forKey: .type) else { throw CommandError("a message is a JSON object with a \"type\"") }
        do {
            switch type {
            case "status": self = .status
            case "strokes": self = .strokes(try StrokeRequest(from: decoder))
            default: self = .command(try Self.command(type, c))
            }
        } catch let error as CommandError {
            throw error.description.hasPrefix(type) ? error : CommandError("\(type): \(error.description)")
        } catch let error as DecodingError {
            throw CommandError("\(type): \(WireJSON.describe(error))")
        }
    }

    private static func command(_ type: String, _ c: KeyedDecodingContainer<Key>) throws -> LiveCommand {
        let field = JSONFields(container: c)
        switch type {
        case "weights":
            let weights = try c.decode([Double].self, forKey: .weights)
            try LiveLimits.count(weights.count, LiveLimits.modelCount)
            return .setWeights(try weights.map { v throws(CommandError) in try LiveLimits.weight.checkFloat(v) })
        case "weight":
            let value = try field.float(.value, LiveLimits.weight)
            return .setWeight(model: try model(c, field), value: value)
        case "active":
            let models = try c.decode([Double].self, forKey: .models)
            try LiveLimits.count(models.count, LiveLimits.modelCount)
            return .setActive(try models.map { v throws(CommandError) in try LiveLimits.modelIndex.checkInt(v) })
        case "temperature": return .setTemperature(try field.float(.value, LiveLimits.temperature))
        case "pooling":
            let name = try c.decode(String.self, forKey: .value)
            guard let pooling = Pooling(rawValue: name.lowercased()) else { throw CommandError("\"value\" is \"linear\" or \"product\", got \"\(name)\"") }
            return .setPooling(pooling)
        case "threshold": return .setThreshold(try field.float(.value, LiveLimits.threshold))
        case "lookahead":
            if try (c.contains(.value) && c.decodeNil(forKey: .value)) || (try? c.decode(String.self, forKey: .value))?.lowercased() == "off" { return .setLookahead(nil) }
            if !c.contains(.candidates) && !c.contains(.depth) { return .setLookahead(nil) }
            return .setLookahead(try LiveCommand.lookahead(candidates: try field.int(.candidates, LiveLimits.lookaheadCandidates),
                                                           depth: try field.int(.depth, LiveLimits.lookaheadDepth)))
        case "prime": return .prime(try LiveCommand.checkedPrime(try c.decode(String.self, forKey: .text)))
        case "reset": return .reset
        case "pause": return .pause(try field.flag(.paused))
        case "rate": return try LiveCommand.rate(try field.number(.value))
        case "fastest": return .setFastest(try field.flag(.on))
        case "framerate": return .setFrameRate(try field.double(.value, LiveLimits.frameRate))
        case "feed": return .feed(try LiveCommand.checkedFeed(try c.decode(String.self, forKey: .text)))
        case "adapt": return .setModelAdaptation(model: try model(c, field), on: try field.flag(.on))
        case "adapt-rate": return .setModelAdaptationRate(model: try model(c, field), rate: try field.float(.value, LiveLimits.adaptationRate))
        case "adapt-reset": return .resetModelAdaptation(try model(c, field))
        case "adapt-save": return .saveModelAdaptation(try model(c, field))
        case "interface":
            let values = try c.decode([Double].self, forKey: .values)
            try LiveLimits.count(values.count, LiveLimits.interfaceCount)
            return .interface(try values.map { v throws(CommandError) in try LiveLimits.controlValue.checkFloat(v) })
        case "mode":
            let name = try c.decode(String.self, forKey: .mode)
            guard let mode = InteractionMode(lenient: name) else { throw CommandError("\"mode\" is none, filter, callresponse or battle, got \"\(name)\"") }
            return .setMode(mode)
        case "pi-temperature": return .setPiTemperature(try field.float(.value, LiveLimits.piTemperature))
        case "sigma-temperature": return .setSigmaTemperature(try field.float(.value, LiveLimits.sigmaTemperature))
        case "timescale": return .setTimescale(try field.double(.value, LiveLimits.timescale))
        case "silence-threshold": return .setSilenceThreshold(try field.double(.value, LiveLimits.silenceThreshold))
        case "instrument-reset": return .resetInstrument
        case "instrument-pause": return .pauseInstrument(try field.flag(.paused))
        case "instrument-adapt": return .setAdaptation(try field.flag(.on))
        case "instrument-adapt-rate": return .setAdaptationRate(try field.float(.value, LiveLimits.adaptationRate))
        case "instrument-adapt-reset": return .resetAdaptation
        case "instrument-adapt-save": return .saveAdaptation
        default: throw CommandError("unknown message type (see docs/protocol.md)")
        }
    }
}

extension ClientMessage {
    /// `"model"`: a name (a string) or an index in the loaded list.
    fileprivate static func model(_ c: KeyedDecodingContainer<Key>, _ field: JSONFields<Key>) throws -> ModelReference {
        if let name = try? c.decode(String.self, forKey: .model) { return .name(try LiveCommand.checkedName(name)) }
        return .index(try field.int(.model, LiveLimits.modelIndex))
    }
}

/// Reads the numeric fields of one JSON object against their limits.
struct JSONFields<Key: CodingKey> {
    let container: KeyedDecodingContainer<Key>

    func number(_ key: Key) throws -> Double {
        guard container.contains(key) else { throw CommandError("needs a number \"\(key.stringValue)\"") }
        guard let value = try? container.decode(Double.self, forKey: key) else { throw CommandError("\"\(key.stringValue)\" must be a number") }
        return value
    }

    func double(_ key: Key, _ limit: NumericLimit) throws -> Double { try limit.check(try number(key)) }
    func float(_ key: Key, _ limit: NumericLimit) throws -> Float { try limit.checkFloat(try number(key)) }
    func int(_ key: Key, _ limit: NumericLimit) throws -> Int { try limit.checkInt(try number(key)) }

    /// `true`/`false`, or a number (0 is false); missing means true.
    func flag(_ key: Key) throws -> Bool {
        guard container.contains(key), !(try container.decodeNil(forKey: key)) else { return true }
        if let value = try? container.decode(Bool.self, forKey: key) { return value }
        let value = try number(key)
        guard value.isFinite else { throw CommandError("\"\(key.stringValue)\" must be true or false") }
        return value != 0
    }
}
