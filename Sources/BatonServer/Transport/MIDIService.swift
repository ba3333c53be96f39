import BatonEnsemble
import BatonMIDI
import Logging
import ServiceLifecycle
import Synchronization

/// MIDI for the live session: the rig's performer events enter the session as `/interface`
/// does, predictions leave through a hub listener as OSC's do (from the thread that made
/// them), and controllers bound with `--midi-map` move the text ensemble's controls.
/// Shutdown releases every sounding note.
public final class MIDIService: Service, Sendable {
    /// The MIDI devices and mapping it runs (its status feeds the CLI's status line).
    public let rig: MIDIRig
    let session: LiveSession
    let logger: Logger

    /// MIDI for `session` through `backend`; `report` hears about devices opened, lost and refused events. Throws on a bad configuration.
    public init(session: LiveSession, backend: any MIDIBackend, configuration: MIDIRigConfiguration, controls: MIDIControlMap = MIDIControlMap(),
                logger: Logger, report: @escaping @Sendable (String) -> Void) throws(MIDIError) {
        self.session = session
        self.logger = logger
        // A refusal (no control model, wrong width) is said once per reason, not per note.
        let refused = Mutex<Set<String>>([])
        let once: @Sendable (String) -> Void = { reason in
            if refused.withLock({ $0.insert(reason).inserted }) { report("MIDI: \(reason)") }
        }
        let perform: @Sendable ([Float]) -> Void = { values in
            do { try session.apply(.interface(values)) } catch { once("\(error)") }
        }
        var observe: (@Sendable (String, MIDIMessage) -> Void)?
        if !controls.bindings.isEmpty {
            observe = { _, message in
                for (target, value) in controls.apply(message) {
                    do { try session.apply(Self.command(target, value)) } catch { once("\(error)") }
                }
            }
        }
        rig = try MIDIRig(backend: backend, configuration: configuration, perform: perform, report: report, observe: observe)
    }

    /// The ensemble command a bound controller sends.
    static func command(_ target: MIDIControlMap.Target, _ value: Float) -> LiveCommand {
        switch target {
        case .weight(let index): return .setWeight(model: .index(index), value: value)
        case .weightNamed(let name): return .setWeight(model: .name(name), value: value)
        case .temperature: return .setTemperature(value)
        case .pooling: return .setPooling(value >= 0.5 ? .product : .linear)
        case .threshold: return .setThreshold(value)
        }
    }

    /// Opens the devices, plays predictions until shutdown, then releases every note.
    public func run() async throws {
        try rig.start()
        let rig = self.rig
        session.midiOutputs.withLock { $0 = { rig.status.outputs.map { $0.connectedTo ?? "\($0.name) (not connected)" } } }
        let listener = session.hub.listen { event in
            switch event {
            case .prediction(let values, _): rig.play(values)
            case .interface(let values, _): rig.performerValues(values)
            default: break
            }
        }
        try? await gracefulShutdown()
        session.hub.unsubscribe(listener)
        session.midiOutputs.withLock { $0 = nil }
        rig.stop()
    }
}
