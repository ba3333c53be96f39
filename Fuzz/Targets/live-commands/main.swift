import BatonCore
import BatonFuzzSupport
import BatonOSC
import BatonServer
import BatonTraining
import Foundation

// Live commands, end to end: the first byte picks the transport (even: an OSC packet as
// the OSC service receives it; odd: a JSON body as WebSocket and HTTP receive it), the rest
// is the payload. Whatever parses is applied to a live session with two text models and an
// instrument, as the transports do. Any input must be refused with a `CommandError` or
// applied; the session must still answer its status afterwards.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-live-commands-\(getpid())").path
try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

func sessionForFuzzing() -> LiveSession {
    var rng = SeededGenerator(seed: 11)
    var models: [Model] = []
    for name in ["First", "Second"] {
        var model = Model.initialised(.text(layers: 1, units: 8), using: &rng)
        model.metadata[MetadataKey.name] = name
        models.append(model)
    }
    var instrument = Model.initialised(ModelConfig(kind: .control, inputSize: 3, layers: 1, units: 8,
                                                   head: .mixtureDensity(dims: 3, mixtures: 3, sigma: .elu)), using: &rng)
    instrument.normalisation = Normalisation(offset: [0.05, 0.5, 0.5], scale: [0.05, 0.3, 0.3])
    let hub = EventHub()
    guard let engine = try? InstrumentEngine(model: instrument, hub: hub, mode: .filter, logFolder: nil, seed: 2) else {
        fatalError("fuzz-live-commands: the instrument model is rejected")
    }
    return LiveSession(hub: hub, text: TextEngine(models: models, hub: hub, seed: 1), instrument: engine,
                       strokes: nil, workshop: Workshop(root: folder, hub: hub))
}

let session = sessionForFuzzing()

FuzzDriver.run("live-commands") { bytes in
    guard let selector = bytes.first else { return }
    let payload = Array(bytes.dropFirst())
    var commands: [LiveCommand] = []
    if selector % 2 == 0 {
        guard let packet = try? OSCPacket.decode(payload) else { return }
        for (_, message) in packet.messages.prefix(64) {
            if let parsed = try? LiveCommand.commands(from: message) { commands += parsed }
        }
    } else {
        guard case .command(let command)? = try? ClientMessage.decode(payload) else { return }
        commands.append(command)
    }
    for command in commands {
        do { try session.apply(command) } catch {}
    }
    let status = session.status
    FuzzDriver.require(status.text != nil && status.instrument != nil, "the session lost an engine")
}
