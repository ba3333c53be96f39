import Foundation

/// Which MIDI system RtMidi talks to.
public enum MIDIAPI: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The ALSA sequencer (Linux; needs /dev/snd/seq).
    case alsa
    /// JACK MIDI (Linux and macOS; a JACK server, or PipeWire's JACK, must be running).
    case jack
    /// CoreMIDI (macOS).
    case coremidi

    public var description: String {
        switch self {
        case .alsa: return "ALSA"
        case .jack: return "JACK"
        case .coremidi: return "CoreMIDI"
        }
    }

    /// The automatic choice: CoreMIDI on macOS; on Linux the ALSA sequencer where it exists,
    /// else JACK (containers and machines without sound hardware have no /dev/snd/seq).
    public static func automatic(sequencerPath: String = "/dev/snd/seq") -> MIDIAPI {
        #if os(macOS)
        return .coremidi
        #else
        return FileManager.default.fileExists(atPath: sequencerPath) ? .alsa : .jack
        #endif
    }

    /// `alsa`, `jack`, `coremidi` (or `core`), any case.
    public init?(name: String) {
        switch name.lowercased() {
        case "alsa": self = .alsa
        case "jack": self = .jack
        case "coremidi", "core", "macosx_core": self = .coremidi
        default: return nil
        }
    }
}
