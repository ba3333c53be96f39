import BatonOSC

/// IMPSY's OSC names for the instrument's live controls, accepted beside Baton's own so Pd
/// patches and web pages written for IMPSY work unchanged (`/interface` is the same in both).
public enum IMPSYAddresses {
    /// IMPSY address → Baton address.
    static let controls: [String: String] = [
        "/impsy/sigmatemp": "/baton/instrument/sigma-temperature",
        "/impsy/pitemp": "/baton/instrument/pi-temperature",
        "/impsy/timescale": "/baton/instrument/timescale",
        "/impsy/mode": "/baton/instrument/mode",
        "/impsy/reset": "/baton/instrument/reset",
        "/impsy/pause": "/baton/instrument/pause",
    ]

    /// The Baton message an IMPSY control message means, or nil when it is not one. Mode
    /// names are IMPSY's (`polyphony`, `useronly`), translated to Baton's.
    public static func translate(_ message: OSCMessage) -> OSCMessage? {
        guard let address = controls[message.address] else { return nil }
        var arguments = message.arguments
        if message.address == "/impsy/mode", let name = arguments.first?.stringValue, let mode = InteractionMode(impsyName: name) {
            arguments[0] = .string(mode.rawValue)
        }
        return OSCMessage(address, arguments)
    }
}

extension InteractionMode {
    /// IMPSY's mode names. `polyphony` becomes `filter`: in IMPSY each performer event is fed
    /// to the model and its prediction played, the model never feeding itself — one answer
    /// per event, which is what Baton's filter mode does. `useronly` becomes `none`.
    public init?(impsyName: String) {
        switch impsyName.lowercased() {
        case "callresponse": self = .callresponse
        case "polyphony": self = .filter
        case "battle": self = .battle
        case "useronly": self = .none
        default: return nil
        }
    }
}
