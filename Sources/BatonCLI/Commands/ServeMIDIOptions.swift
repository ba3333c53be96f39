import ArgumentParser
import BatonCore
import BatonIMPSY
import BatonMIDI
import BatonServer
import Foundation
import Logging

/// `baton serve`'s MIDI and IMPSY options (docs/midi.md).
struct ServeMIDIOptions: ParsableArguments {
    @Flag(name: .customLong("midi"), help: "Open virtual MIDI ports \"Baton in\" and \"Baton out\" for other programs to connect to.")
    var virtualPorts = false

    @Option(name: .customLong("midi-in"), help: "A MIDI input to play the instrument from, by (part of) its name (repeatable; see `baton midi list`).")
    var midiIn: [String] = []

    @Option(name: .customLong("midi-out"), help: "A MIDI output the instrument's predictions play, by (part of) its name (repeatable).")
    var midiOut: [String] = []

    @OptionGroup var common: MIDIControlOptions

    @Option(name: .customLong("impsy-config"), help: "Run an IMPSY config.toml: its mode, temperatures, model, MIDI devices and mappings, OSC ports and names.")
    var impsyConfig: String?

    @Option(name: .customLong("log-format"), help: "Session logs as csv (Baton) or impsy (IMPSY's .log, readable by its tools). Default: csv, impsy with --impsy-config.")
    var logFormat: String?

    func validate() throws {
        if let logFormat, SessionLog.Format(rawValue: logFormat) == nil { throw ValidationError("--log-format must be csv or impsy, got '\(logFormat)'") }
        for name in midiIn + midiOut where name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--midi-in/--midi-out need a device name") }
    }

    /// Whether anything asks for MIDI.
    func wantsMIDI(_ plan: IMPSYServePlan?) -> Bool {
        virtualPorts || !midiIn.isEmpty || !midiOut.isEmpty || !common.midiMap.isEmpty || plan?.config.midi != nil
    }

    /// The rig: an IMPSY config's devices and mappings, or the named devices (virtual ports
    /// with `--midi`, or for `--midi-map` alone) with the standard mapping for `values`.
    func rig(values: Int?, plan: IMPSYServePlan?) -> MIDIRigConfiguration {
        let count = values ?? 0
        if let plan, let midi = plan.config.midi, midiIn.isEmpty, midiOut.isEmpty, !virtualPorts {
            return midi.rig(values: count, inputThru: plan.config.inputThru)
        }
        let mapping = values.map { MIDIMapping.standard(values: $0) }
        var inputs = midiIn.map { MIDIRigConfiguration.Device(name: $0, mapping: mapping) }
        var outputs = midiOut.map { MIDIRigConfiguration.Device(name: $0, mapping: mapping) }
        if inputs.isEmpty && outputs.isEmpty {
            inputs = [.init(name: "Baton in", virtual: true, mapping: mapping)]
            outputs = [.init(name: "Baton out", virtual: true, mapping: mapping)]
        }
        var rig = MIDIRigConfiguration(inputs: inputs, outputs: outputs, values: count)
        rig.inputThru = plan?.config.inputThru ?? false
        return rig
    }

    /// Starts MIDI for `session`: the backend first, so a missing MIDI system is one clear
    /// error before anything is bound.
    func service(session: LiveSession, plan: IMPSYServePlan?, logger: Logger) throws -> MIDIService? {
        guard wantsMIDI(plan) else { return nil }
        let backend: RtMidiBackend
        do {
            backend = try common.backend()
        } catch let error as MIDIError where !virtualPorts && midiIn.isEmpty && midiOut.isEmpty && common.midiMap.isEmpty {
            // Only the IMPSY config asked for MIDI: run its OSC side anyway, as IMPSY does
            // when its MIDI ports cannot be opened, and say why there is no MIDI.
            Terminal.writeError("impsy-config: WARNING: running without MIDI: \(error)\n")
            return nil
        }
        let values = session.instrument.map { $0.status.dims - 1 }
        return try MIDIService(session: session, backend: backend, configuration: rig(values: values, plan: plan), controls: common.controls, logger: logger,
                               report: { line in Terminal.writeError(line + "\n") })
    }
}
