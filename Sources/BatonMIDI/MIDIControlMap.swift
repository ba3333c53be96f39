/// Controllers (CCs) bound to the text ensemble's live controls, as the Studio's MIDI learn
/// binds them: a fader box conducts the ensemble without a browser. Written on the command
/// line as `CC=TARGET` or `CHANNEL:CC=TARGET` (`--midi-map 7=weight:1 --midi-map 1:8=temperature`).
public struct MIDIControlMap: Sendable, Equatable {
    public enum Target: Sendable, Equatable, CustomStringConvertible {
        /// A model's weight, by its position (1-based as written, stored 0-based) or name.
        case weight(index: Int)
        case weightNamed(String)
        /// Temperature, 0.1–2 over the controller's travel (the Studio's slider).
        case temperature
        /// Linear below the middle of the travel, product from it up.
        case pooling
        /// Skip models below this normalised weight, 0–0.5 (the Studio's slider).
        case threshold

        public var description: String {
            switch self {
            case .weight(let i): return "weight:\(i + 1)"
            case .weightNamed(let name): return "weight:\(name)"
            case .temperature: return "temperature"
            case .pooling: return "pooling"
            case .threshold: return "threshold"
            }
        }

        /// The control's value for a controller value 0–127.
        public func value(_ cc: Int) -> Float {
            let unit = Float(min(127, max(0, cc))) / 127
            switch self {
            case .weight, .weightNamed: return unit
            case .temperature: return 0.1 + unit * 1.9
            case .pooling: return cc >= 64 ? 1 : 0
            case .threshold: return unit * 0.5
            }
        }
    }

    public struct Binding: Sendable, Equatable, CustomStringConvertible {
        /// nil: any channel.
        public var channel: Int?
        public var controller: Int
        public var target: Target

        public init(channel: Int?, controller: Int, target: Target) {
            self.channel = channel
            self.controller = controller
            self.target = target
        }

        public var description: String { "\(channel.map { "\($0):" } ?? "")\(controller)=\(target)" }
    }

    public var bindings: [Binding]

    public init(_ bindings: [Binding] = []) { self.bindings = bindings }

    /// Parses `CC=TARGET` / `CHANNEL:CC=TARGET`; TARGET is `weight:N` (1-based), `weight:NAME`,
    /// `temperature`, `pooling` or `threshold`.
    public static func parse(_ spec: String) throws(MIDIError) -> Binding {
        let hint = "write CC=TARGET or CHANNEL:CC=TARGET, TARGET one of weight:N, weight:NAME, temperature, pooling, threshold (e.g. 1:7=weight:2)"
        let parts = spec.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw MIDIError("--midi-map '\(spec)' has no '='", hint: hint) }
        let source = parts[0].split(separator: ":").map(String.init)
        guard (1...2).contains(source.count), let controller = Int(source.last ?? ""), (0...127).contains(controller) else {
            throw MIDIError("--midi-map '\(spec)': controller must be 0–127", hint: hint)
        }
        var channel: Int?
        if source.count == 2 {
            guard let c = Int(source[0]), (1...16).contains(c) else { throw MIDIError("--midi-map '\(spec)': channel must be 1–16", hint: hint) }
            channel = c
        }
        let target: Target
        switch parts[1].lowercased() {
        case "temperature": target = .temperature
        case "pooling": target = .pooling
        case "threshold": target = .threshold
        case let t where t.hasPrefix("weight:"):
            let name = String(parts[1].dropFirst("weight:".count))
            if let n = Int(name) {
                guard n >= 1 else { throw MIDIError("--midi-map '\(spec)': models are numbered from 1", hint: hint) }
                target = .weight(index: n - 1)
            } else {
                guard !name.isEmpty else { throw MIDIError("--midi-map '\(spec)': weight of which model?", hint: hint) }
                target = .weightNamed(name)
            }
        default: throw MIDIError("--midi-map '\(spec)': unknown target '\(parts[1])'", hint: hint)
        }
        return Binding(channel: channel, controller: controller, target: target)
    }

    /// Binds (channel, controller) to `target`, replacing what either was bound to (MIDI learn).
    public mutating func bind(channel: Int?, controller: Int, to target: Target) {
        bindings.removeAll { $0.target == target || ($0.controller == controller && ($0.channel == nil || channel == nil || $0.channel == channel)) }
        bindings.append(Binding(channel: channel, controller: controller, target: target))
    }

    /// The controls a message moves, with their values.
    public func apply(_ message: MIDIMessage) -> [(target: Target, value: Float)] {
        guard case .controlChange(let channel, let controller, let value) = message else { return [] }
        return bindings.filter { $0.controller == controller && ($0.channel == nil || $0.channel == channel) }.map { ($0.target, $0.target.value(value)) }
    }
}
