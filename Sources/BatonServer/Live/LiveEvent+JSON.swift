import Foundation

extension LiveEvent {
    /// The WebSocket form (docs/protocol.md): one JSON object with a `type`, encoded by
    /// `JSONEncoder` from the wire types below.
    public var json: String {
        switch self {
        case .symbol(let text, let model, let shares):
            return WireJSON.encode(SymbolWire(text: text, model: model, shares: RoundedNumbers(shares, digits: 3)))
        case .distributions(let frame):
            return WireJSON.encode(DistributionsWire(frame: frame.frame, symbol: frame.symbol, weights: RoundedNumbers(frame.weights, digits: 4),
                                                     joint: RoundedNumbers(frame.joint, digits: 4),
                                                     models: frame.models.map { RoundedNumbers($0, digits: 4) }))
        case .prime(let text):
            return WireJSON.encode(PrimeWire(text: text))
        case .fed(let text):
            return WireJSON.encode(FedWire(text: text))
        case .interface(let values, let dt):
            return WireJSON.encode(ControlWire(type: "interface", values: RoundedNumbers(values, digits: 5), dt: RoundedNumbers.round(dt, digits: 5)))
        case .prediction(let values, let dt):
            return WireJSON.encode(ControlWire(type: "prediction", values: RoundedNumbers(values, digits: 5), dt: RoundedNumbers.round(dt, digits: 5)))
        case .status(let snapshot):
            return WireJSON.encode(StatusWire(status: snapshot))
        case .training(let job):
            return WireJSON.encode(TrainingWire(job: job))
        }
    }
}

struct SymbolWire: Encodable {
    let type = "symbol"
    var text: String
    var model: Int
    var shares: RoundedNumbers
}

struct DistributionsWire: Encodable {
    let type = "distributions"
    var frame: Int
    var symbol: Int
    var weights: RoundedNumbers
    var joint: RoundedNumbers
    var models: [RoundedNumbers]
}

struct PrimeWire: Encodable {
    let type = "prime"
    var text: String
}

struct FedWire: Encodable {
    let type = "fed"
    var text: String
}

struct ControlWire: Encodable {
    var type: String
    var values: RoundedNumbers
    var dt: Double?
}

struct StatusWire: Encodable {
    let type = "status"
    var status: StatusSnapshot
}

struct TrainingWire: Encodable {
    let type = "training"
    var job: TrainingJobStatus
}

/// Numbers for display, rounded to a few significant digits so frames stay small
/// (a distribution is 256 of them per model); non-finite values encode as null.
struct RoundedNumbers: Encodable {
    var values: [Float]
    var digits: Int

    init(_ values: [Float], digits: Int) {
        self.values = values
        self.digits = digits
    }

    func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        for v in values {
            if let rounded = Self.round(Double(v), digits: digits) { try list.encode(rounded) } else { try list.encodeNil() }
        }
    }

    /// `value` to `digits` significant digits, as the double nearest that decimal (so it
    /// prints short); nil when not finite.
    static func round(_ value: Double, digits: Int) -> Double? {
        guard value.isFinite else { return nil }
        guard value != 0 else { return 0 }
        let exponent = digits - 1 - Int(Foundation.log10(Swift.abs(value)).rounded(.down))
        if exponent >= 0 {
            let scale = power(exponent)
            return (value * scale).rounded() / scale
        }
        let scale = power(-exponent)
        return (value / scale).rounded() * scale
    }

    /// 10ⁿ, exact up to 10²².
    private static func power(_ n: Int) -> Double { n < powers.count ? powers[n] : Foundation.pow(10, Double(n)) }
    private static let powers: [Double] = (0...22).map { Foundation.pow(10, Double($0)) }
}
