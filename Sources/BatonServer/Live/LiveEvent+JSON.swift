import Foundation

extension LiveEvent {
    /// The WebSocket form (docs/protocol.md): one JSON object with a `type`.
    public var json: String {
        switch self {
        case .symbol(let text, let model, let shares):
            return "{\"type\":\"symbol\",\"text\":\(Self.quote(text)),\"model\":\(model),\"shares\":\(Self.numbers(shares, digits: 3))}"
        case .distributions(let frame):
            let models = frame.models.map { Self.numbers($0, digits: 4) }.joined(separator: ",")
            return "{\"type\":\"distributions\",\"frame\":\(frame.frame),\"symbol\":\(frame.symbol),\"weights\":\(Self.numbers(frame.weights, digits: 4)),\"joint\":\(Self.numbers(frame.joint, digits: 4)),\"models\":[\(models)]}"
        case .interface(let values, let dt):
            return "{\"type\":\"interface\",\"values\":\(Self.numbers(values, digits: 5)),\"dt\":\(Self.number(dt, digits: 5))}"
        case .prediction(let values, let dt):
            return "{\"type\":\"prediction\",\"values\":\(Self.numbers(values, digits: 5)),\"dt\":\(Self.number(dt, digits: 5))}"
        case .status(let snapshot):
            return "{\"type\":\"status\",\"status\":\(Self.encode(snapshot))}"
        case .training(let status):
            return "{\"type\":\"training\",\"job\":\(Self.encode(status))}"
        }
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func number(_ v: Double, digits: Int) -> String {
        v.isFinite ? String(format: "%.\(digits)g", v) : "null"
    }

    static func numbers(_ values: [Float], digits: Int) -> String {
        "[" + values.map { number(Double($0), digits: digits) }.joined(separator: ",") + "]"
    }
}
