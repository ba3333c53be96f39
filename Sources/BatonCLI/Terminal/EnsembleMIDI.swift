import ArgumentParser
import BatonEnsemble
import BatonMIDI
import Foundation
import Synchronization

/// The MIDI options `baton serve` and `baton ensemble` share: the API, and controllers
/// bound to the text ensemble.
struct MIDIControlOptions: ParsableArguments {
    @Option(name: .customLong("midi-api"), help: "alsa, jack or coremidi (default: ALSA where /dev/snd/seq exists, else JACK; CoreMIDI on macOS).")
    var midiAPI: String?

    @Option(name: .customLong("midi-map"), help: "Bind a controller to the text ensemble: CC=TARGET or CHANNEL:CC=TARGET, TARGET weight:N, weight:NAME, temperature, pooling or threshold (repeatable).")
    var midiMap: [String] = []

    func validate() throws {
        if let midiAPI, MIDIAPI(name: midiAPI) == nil { throw ValidationError("--midi-api must be alsa, jack or coremidi, got '\(midiAPI)'") }
        for spec in midiMap { _ = try MIDIControlMap.parse(spec) }
    }

    var controls: MIDIControlMap { MIDIControlMap(midiMap.compactMap { try? MIDIControlMap.parse($0) }) }

    func backend() throws -> RtMidiBackend { try RtMidiBackend(api: midiAPI.flatMap(MIDIAPI.init(name:))) }
}

/// `baton ensemble`'s MIDI options: a controller whose faders move the ensemble.
struct EnsembleMIDIOptions: ParsableArguments {
    @Option(name: .customLong("midi-in"), help: "A MIDI input (fader box, controller) by (part of) its name (repeatable; see `baton midi list`).")
    var midiIn: [String] = []

    @OptionGroup var common: MIDIControlOptions

    func validate() throws {
        if !common.midiMap.isEmpty && midiIn.isEmpty { throw ValidationError("--midi-map needs a controller: add --midi-in NAME (see `baton midi list`)") }
    }

    /// A rig listening to the named inputs, handing every message to `observe`; nil without --midi-in.
    func rig(observe: @escaping @Sendable (String, MIDIMessage) -> Void) throws -> MIDIRig? {
        guard !midiIn.isEmpty else { return nil }
        let configuration = MIDIRigConfiguration(inputs: midiIn.map { .init(name: $0, mapping: nil) }, outputs: [], values: 0)
        return try MIDIRig(backend: try common.backend(), configuration: configuration, perform: { _ in }, report: { Terminal.writeError($0 + "\r\n") }, observe: observe)
    }
}

/// Moves an ensemble's controls from MIDI: the bindings, and MIDI learn for the conductor.
final class EnsembleMIDI: Sendable {
    let controls: EnsembleControls
    let names: [String]
    struct State {
        var map: MIDIControlMap
        var learning = false
        /// The controller seen while learning, waiting for a key to say what it drives.
        var lastController: (channel: Int, controller: Int)?
    }
    let state: Mutex<State>

    init(controls: EnsembleControls, names: [String], map: MIDIControlMap) {
        self.controls = controls
        self.names = names
        state = Mutex(State(map: map))
    }

    /// A message from any input: remembered while learning, applied otherwise.
    func receive(_ message: MIDIMessage) {
        let moves: [(target: MIDIControlMap.Target, value: Float)] = state.withLock { s in
            if s.learning, case .controlChange(let channel, let controller, _) = message {
                s.lastController = (channel, controller)
                return []
            }
            return s.map.apply(message)
        }
        for (target, value) in moves { apply(target, value) }
    }

    func apply(_ target: MIDIControlMap.Target, _ value: Float) {
        let count = names.count
        switch target {
        case .weight(let index):
            guard index < count else { return }
            controls.update { $0.weights[index] = value }
        case .weightNamed(let name):
            guard let index = names.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else { return }
            controls.update { $0.weights[index] = value }
        case .temperature: controls.update { $0.temperature = value }
        case .pooling: controls.update { $0.pooling = value >= 0.5 ? .product : .linear }
        case .threshold: controls.update { $0.threshold = value }
        }
    }

    var learning: Bool { state.withLock { $0.learning } }

    func toggleLearning() {
        state.withLock { s in
            s.learning.toggle()
            s.lastController = nil
        }
    }

    /// While learning: binds the last controller moved to `target`. Returns whether it did.
    func learn(_ target: MIDIControlMap.Target) -> Bool {
        state.withLock { s in
            guard s.learning, let last = s.lastController else { return false }
            s.map.bind(channel: last.channel, controller: last.controller, to: target)
            s.lastController = nil
            return true
        }
    }

    /// One line for the conductor's screen.
    var summary: String {
        state.withLock { s in
            if s.learning {
                guard let last = s.lastController else { return "MIDI learn: move a controller (m ends)" }
                return "MIDI learn: CC \(last.controller) (ch \(last.channel)) — press 1–9 for a weight, t temperature, p pooling"
            }
            return s.map.bindings.isEmpty ? "MIDI: m to learn" : "MIDI: " + s.map.bindings.map(\.description).joined(separator: " ") + " · m to learn"
        }
    }

    /// The flags that bring the current bindings back.
    var flags: String { state.withLock { $0.map.bindings.map { "--midi-map \($0)" }.joined(separator: " ") } }
}
