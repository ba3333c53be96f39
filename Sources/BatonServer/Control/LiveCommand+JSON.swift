import BatonEnsemble
import Foundation

extension LiveCommand {
    /// The command a WebSocket JSON object asks for: `{"type": "...", ...}` mirroring the
    /// OSC address space (docs/protocol.md). Returns nil for message types that are not
    /// live commands (requests such as `strokes`), throws for malformed ones.
    public static func command(json object: [String: Any]) throws(CommandError) -> LiveCommand? {
        guard let type = object["type"] as? String else { throw CommandError("a message needs a \"type\"") }
        func number(_ key: String = "value") throws(CommandError) -> Double {
            guard let v = (object[key] as? NSNumber)?.doubleValue, v.isFinite else { throw CommandError("\(type) needs a number \"\(key)\"") }
            return v
        }
        func numbers(_ key: String) throws(CommandError) -> [Float] {
            guard let list = object[key] as? [Any] else { throw CommandError("\(type) needs a list \"\(key)\"") }
            var values: [Float] = []
            for item in list {
                guard let v = (item as? NSNumber)?.floatValue, v.isFinite else { throw CommandError("\(type): \"\(key)\" must hold numbers") }
                values.append(v)
            }
            return values
        }
        func flag(_ key: String) -> Bool { (object[key] as? Bool) ?? ((object[key] as? NSNumber)?.boolValue ?? true) }
        switch type {
        case "weights": return .setWeights(try numbers("weights"))
        case "weight":
            let value = Float(try number())
            if let name = object["model"] as? String { return .setWeight(model: .name(name), value: value) }
            return .setWeight(model: .index(Int(try number("model"))), value: value)
        case "active": return .setActive(try numbers("models").map { Int($0) })
        case "temperature": return .setTemperature(Float(try number()))
        case "pooling":
            guard let name = object["value"] as? String, let pooling = Pooling(rawValue: name) else { throw CommandError("pooling: \"linear\" or \"product\"") }
            return .setPooling(pooling)
        case "threshold": return .setThreshold(Float(try number()))
        case "lookahead":
            if object["value"] is NSNull || (object["candidates"] == nil && object["depth"] == nil) { return .setLookahead(nil) }
            let candidates = Int(try number("candidates")), depth = Int(try number("depth"))
            return .setLookahead(candidates <= 1 && depth <= 0 ? nil : Lookahead(candidates: candidates, depth: depth))
        case "prime":
            guard let text = object["text"] as? String else { throw CommandError("prime needs \"text\"") }
            return .prime(text)
        case "reset": return .reset
        case "pause": return .pause(flag("paused"))
        case "rate": return .setRate(try number())
        case "framerate": return .setFrameRate(try number())
        case "interface": return .interface(try numbers("values"))
        case "mode":
            guard let name = object["mode"] as? String, let mode = InteractionMode(rawValue: name) else {
                throw CommandError("mode: none, filter, callresponse or battle")
            }
            return .setMode(mode)
        case "pi-temperature": return .setPiTemperature(Float(try number()))
        case "sigma-temperature": return .setSigmaTemperature(Float(try number()))
        case "timescale": return .setTimescale(try number())
        case "silence-threshold": return .setSilenceThreshold(try number())
        case "instrument-reset": return .resetInstrument
        case "instrument-pause": return .pauseInstrument(flag("paused"))
        default: return nil
        }
    }
}
