import BatonOSC
import Foundation

extension LiveEvent {
    /// The OSC form (docs/protocol.md), or nil for events that only WebSocket clients get.
    /// Distribution blobs are big-endian float32, as OSC numbers are.
    public func oscMessage(predictionAddress: String) -> OSCMessage? {
        switch self {
        case .symbol(let text, let model, _):
            return OSCMessage("/baton/symbol", [.string(text), .int32(Int32(truncatingIfNeeded: model))])
        case .distributions(let frame):
            // Frame numbers wrap after 2³¹ frames (years at 120 frames/s) rather than trap.
            var arguments: [OSCArgument] = [.int32(Int32(truncatingIfNeeded: frame.frame)), .int32(Int32(truncatingIfNeeded: frame.symbol)), .blob(Self.blob(frame.joint))]
            for (i, weight) in frame.weights.enumerated() {
                arguments.append(.float32(weight))
                arguments.append(.blob(Self.blob(frame.models[i])))
            }
            return OSCMessage("/baton/distributions", arguments)
        case .prime(let text):
            return OSCMessage("/baton/primed", [.string(text)])
        case .fed(let text):
            return OSCMessage("/baton/fed", [.string(text)])
        case .prediction(let values, _):
            return OSCMessage(predictionAddress, values.map { .float32($0) })
        case .interface, .status, .training:
            return nil
        }
    }

    static func blob(_ values: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for v in values {
            let bits = v.bitPattern
            bytes += [UInt8(bits >> 24), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
        }
        return bytes
    }
}
