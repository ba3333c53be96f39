import ArgumentParser
import BatonCore
import BatonIMPSY
import BatonMIDI
import Foundation

// MIDI and IMPSY errors render as one line with a hint, like every other user error.
extension MIDIError: UserFacingError {}
extension IMPSYConfigError: UserFacingError {}

struct MIDICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "midi",
        abstract: "MIDI ports Baton can open.",
        subcommands: [MIDIListCommand.self]
    )
}

struct MIDIListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the MIDI inputs and outputs of this machine.",
        discussion: """
        The API is chosen as `baton serve` chooses it: ALSA where /dev/snd/seq exists, JACK otherwise (CoreMIDI on macOS); --midi-api forces one. `baton serve --midi-in NAME` opens the first input whose name contains NAME (IMPSY's matching), so a short name such as S-1 or X-TOUCH is enough. docs/midi.md explains setup.
        """
    )

    @Option(name: .customLong("midi-api"), help: "alsa, jack or coremidi (default: automatic).")
    var midiAPI: String?

    func validate() throws {
        if let midiAPI, MIDIAPI(name: midiAPI) == nil { throw ValidationError("--midi-api must be alsa, jack or coremidi, got '\(midiAPI)'") }
    }

    func run() throws {
        let backend = try RtMidiBackend(api: midiAPI.flatMap(MIDIAPI.init(name:)))
        let inputs = try backend.inputNames().filter { !$0.hasPrefix(backend.clientName) }
        let outputs = try backend.outputNames().filter { !$0.hasPrefix(backend.clientName) }
        var lines = ["MIDI API   \(backend.apiName) (compiled: \(RtMidiBackend.compiledAPIs.map(\.description).joined(separator: ", ")))"]
        lines.append("inputs     (devices Baton can hear: --midi-in)")
        lines += inputs.isEmpty ? ["  none"] : inputs.map { "  \($0)" }
        lines.append("outputs    (devices Baton can play: --midi-out)")
        lines += outputs.isEmpty ? ["  none"] : outputs.map { "  \($0)" }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }
}
