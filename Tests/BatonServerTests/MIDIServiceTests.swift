import BatonCore
import BatonMIDI
import BatonOSC
import BatonTraining
@testable import BatonServer
import Foundation
import Logging
import Testing

@Suite struct IMPSYNamesTests {
    @Test func impsyControlsBecomeBatonsOwn() throws {
        func commands(_ address: String, _ arguments: [OSCArgument]) throws -> [LiveCommand] {
            let message = OSCMessage(address, arguments)
            return try LiveCommand.commands(from: IMPSYAddresses.translate(message) ?? message)
        }
        #expect(try commands("/impsy/sigmatemp", [.float32(0.05)]) == [.setSigmaTemperature(0.05)])
        #expect(try commands("/impsy/pitemp", [.float32(1.5)]) == [.setPiTemperature(1.5)])
        #expect(try commands("/impsy/timescale", [.float32(2)]) == [.setTimescale(2)])
        #expect(try commands("/impsy/mode", [.string("polyphony")]) == [.setMode(.filter)])
        #expect(try commands("/impsy/mode", [.string("useronly")]) == [.setMode(.none)])
        #expect(try commands("/impsy/mode", [.string("battle")]) == [.setMode(.battle)])
        #expect(try commands("/impsy/reset", [.int32(0)]) == [.resetInstrument])
        #expect(try commands("/impsy/pause", [.int32(1)]) == [.pauseInstrument(true)])
        #expect(try commands("/impsy/pause", [.int32(0)]) == [.pauseInstrument(false)])
        #expect(try commands("/interface", [.float32(0.5)]) == [.interface([0.5])], "the same in both")
        #expect(throws: CommandError.self) { try commands("/impsy/mode", [.string("duet")]) }
        #expect(IMPSYAddresses.translate(OSCMessage("/baton/reset", [])) == nil)
    }

    @Test func impsyModeNames() {
        #expect(InteractionMode(impsyName: "callresponse") == .callresponse)
        #expect(InteractionMode(impsyName: "polyphony") == .filter)
        #expect(InteractionMode(impsyName: "battle") == .battle)
        #expect(InteractionMode(impsyName: "useronly") == InteractionMode.none)
        #expect(InteractionMode(impsyName: "filter") == nil, "IMPSY's names only")
    }

    @Test func impsyLogsAreWhatIMPSYWrites() throws {
        let folder = temporaryFolder("impsy-log")
        let date = Date(timeIntervalSince1970: 1_714_744_800.25)
        let log = try SessionLog(folder: folder, dims: 4, modelName: "whatever", style: .init(format: .impsy, predictions: false))
        log.append(source: "interface", values: [0.5, 0.25, 1], at: date)
        log.append(source: "rnn", values: [0.1, 0.2, 0.3], at: date)
        log.append(source: "interface", values: [0.125, 0, 0.75], at: date.addingTimeInterval(0.75))
        log.close()
        let path = try #require(log.path)
        #expect(path.hasSuffix("-4d-mdrnn.log"))
        let name = (path as NSString).lastPathComponent
        #expect(name.count == "2024-05-03T14-00-00-4d-mdrnn.log".count && !name.contains(":"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "log_predictions = false keeps only the performer")
        #expect(lines[0].hasSuffix(",interface,0.5,0.25,1.0") && !lines[0].contains("Z,"))
        let rows = try InteractionLogs.parse(path: path)
        #expect(abs(rows[1].time - rows[0].time - 0.75) < 1e-6)
        let again = try SessionLog(folder: folder, dims: 4, modelName: "whatever", style: .init(format: .impsy))
        again.append(source: "interface", values: [0.5, 0.25, 1], at: date)
        again.close()
        #expect(try #require(again.path).hasSuffix("-2-4d-mdrnn.log"), "a second log in the same second still ends as IMPSY's dataset command expects")
    }
}

@Suite struct MIDIServiceTests {
    @Test func notesInPlayTheInstrumentAndItsAnswerGoesOutAsMIDI() async throws {
        let hub = EventHub()
        let engine = try InstrumentEngine(model: instrumentModel(dims: 3), hub: hub, mode: .filter, logFolder: nil, seed: 9)
        let session = LiveSession(hub: hub, text: nil, instrument: engine, strokes: nil, workshop: Workshop(root: temporaryFolder("midi-ws"), logs: nil, hub: hub))
        session.start()
        defer { session.stop() }
        try session.apply(.setTimescale(0))
        let system = LoopbackMIDI()
        let synth = system.plug("S-1 MIDI 1")
        let mapping = MIDIMapping([.note(channel: 3), .control(channel: 3, controller: 19)])
        var rig = MIDIRigConfiguration(inputs: [.init(name: "S-1", mapping: mapping)], outputs: [.init(name: "S-1", mapping: mapping)], values: 2)
        rig.rescanInterval = 0.05
        let service = try MIDIService(session: session, backend: system, configuration: rig, logger: Logger(label: "test"), report: { _ in })
        let task = Task { try await service.run() }
        defer { task.cancel() }
        /// Each wait has its own generous deadline: the whole suite runs in parallel on 2 cores.
        func waitUntil(_ condition: () -> Bool) async throws {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, !condition() { try await Task.sleep(for: .milliseconds(10)) }
        }
        try await waitUntil { service.rig.status.inputs.first?.connectedTo != nil }
        synth.play(.noteOn(channel: 3, note: 100, velocity: 90))
        try await waitUntil { synth.received.count >= 2 }
        #expect(engine.status.inputs == 1 && engine.status.predictions == 1)
        let played = synth.receivedMessages
        #expect(played.count == 2)
        guard case .noteOn(3, _, 127) = played.first else { Issue.record("no note-on on channel 3: \(played)"); return }
        guard case .controlChange(3, 19, _) = played.last else { Issue.record("no CC 19: \(played)"); return }
        // OSC's /interface moves the same dense vector MIDI events change.
        let (id, events) = hub.subscribe()
        try session.apply(.interface([0.25, 0.75]))
        synth.play(.controlChange(channel: 3, controller: 19, value: 0))
        try await waitUntil { engine.status.inputs >= 3 }
        hub.unsubscribe(id)
        var performed: [[Float]] = []
        for await published in events { if case .interface(let values, _) = published.event { performed.append(values) } }
        #expect(performed == [[0.25, 0.75], [0.25, 0]])
    }

    @Test func boundControllersConductTheTextEnsemble() {
        #expect(MIDIService.command(.weight(index: 1), 0.5) == .setWeight(model: .index(1), value: 0.5))
        #expect(MIDIService.command(.weightNamed("Austen"), 1) == .setWeight(model: .name("Austen"), value: 1))
        #expect(MIDIService.command(.temperature, 0.7) == .setTemperature(0.7))
        #expect(MIDIService.command(.pooling, 1) == .setPooling(.product))
        #expect(MIDIService.command(.pooling, 0) == .setPooling(.linear))
        #expect(MIDIService.command(.threshold, 0.2) == .setThreshold(0.2))
    }
}
