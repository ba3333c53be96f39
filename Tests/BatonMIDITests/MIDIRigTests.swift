@testable import BatonMIDI
import Foundation
import Synchronization
import Testing

/// Collects what the rig hands to the instrument and what it reports.
final class RigProbe: Sendable {
    let performed = Mutex<[[Float]]>([])
    let reports = Mutex<[String]>([])
    let observed = Mutex<[(String, MIDIMessage)]>([])

    func wait(performed count: Int, timeout: Double = 20) -> [[Float]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, performed.withLock({ $0.count }) < count { usleep(2000) }
        return performed.withLock { $0 }
    }

    func waitForReport(containing text: String, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if reports.withLock({ $0.contains { $0.contains(text) } }) { return true }
            usleep(5000)
        }
        return false
    }

    func rig(_ backend: LoopbackMIDI, _ configuration: MIDIRigConfiguration) throws -> MIDIRig {
        try MIDIRig(backend: backend, configuration: configuration,
                    perform: { values in self.performed.withLock { $0.append(values) } },
                    report: { line in self.reports.withLock { $0.append(line) } },
                    observe: { name, message in self.observed.withLock { $0.append((name, message)) } })
    }
}

@Suite(.serialized) struct MIDIRigTests {
    static let s1 = MIDIMapping([.note(channel: 3), .control(channel: 3, controller: 19), .control(channel: 3, controller: 20)])

    func s1Rig(feedback: Bool = false, inputThru: Bool = false) -> MIDIRigConfiguration {
        var c = MIDIRigConfiguration(inputs: [.init(name: "S-1", mapping: Self.s1)], outputs: [.init(name: "S-1", mapping: Self.s1)], values: 3)
        c.feedbackProtection = feedback
        c.inputThru = inputThru
        c.rescanInterval = 0.05
        return c
    }

    @Test func sparseMIDIBecomesADenseVectorOfTheLastValues() throws {
        let system = LoopbackMIDI(), probe = RigProbe()
        let synth = system.plug("S-1 MIDI 1")
        let rig = try probe.rig(system, s1Rig())
        try rig.start()
        defer { rig.stop() }
        synth.play(.controlChange(channel: 3, controller: 19, value: 127))
        synth.play(.noteOn(channel: 3, note: 127, velocity: 100))
        synth.play(.noteOff(channel: 3, note: 127, velocity: 0))
        synth.play(.controlChange(channel: 5, controller: 19, value: 0))  // another channel: not mapped
        synth.play(.controlChange(channel: 3, controller: 20, value: 0))
        let performed = probe.wait(performed: 3)
        #expect(performed == [[0.5, 1, 0.5], [1, 1, 0.5], [1, 1, 0]])
        #expect(rig.status.counters.unmapped == 2 && rig.status.counters.performed == 3)
        #expect(rig.status.inputs.first?.connectedTo == "S-1 MIDI 1")
        #expect(probe.observed.withLock { $0.count } == 5, "every channel message is observed, mapped or not")
    }

    @Test func predictionsPlayThroughTheOutputMappingWithNoteOffsFirst() throws {
        let system = LoopbackMIDI(), probe = RigProbe()
        let synth = system.plug("S-1 MIDI 1")
        let rig = try probe.rig(system, s1Rig())
        try rig.start()
        rig.play([0.5, 0.25, 1])
        rig.play([0.6, 0.25, 1])
        #expect(synth.receivedMessages == [
            .noteOn(channel: 3, note: 64, velocity: 127), .controlChange(channel: 3, controller: 19, value: 32), .controlChange(channel: 3, controller: 20, value: 127),
            .noteOff(channel: 3, note: 64, velocity: 0), .noteOn(channel: 3, note: 77, velocity: 127),
            .controlChange(channel: 3, controller: 19, value: 32), .controlChange(channel: 3, controller: 20, value: 127),
        ])
        synth.clear()
        rig.stop()
        #expect(synth.receivedMessages == [.noteOff(channel: 3, note: 77, velocity: 0)], "shutdown releases the last note")
    }

    @Test func feedbackProtectionIgnoresTheSynthsEchoButNotThePerformer() throws {
        let system = LoopbackMIDI(), probe = RigProbe()
        let synth = system.plug("S-1 MIDI 1")
        let rig = try probe.rig(system, s1Rig(feedback: true))
        try rig.start()
        defer { rig.stop() }
        rig.play([0.5, 0.5, 0.5])
        synth.play(.noteOn(channel: 3, note: 64, velocity: 127))  // the S-1 echoing Baton's note at once
        usleep(60_000)
        synth.play(.noteOn(channel: 3, note: 64, velocity: 127))  // the performer, later
        let performed = probe.wait(performed: 1)
        usleep(50_000)
        #expect(probe.performed.withLock { $0.count } == 1 && performed.first?[0] == 64 / 127)
        #expect(rig.status.counters.echoes == 1)
    }

    @Test func withoutProtectionTheEchoIsPlayed() throws {
        let system = LoopbackMIDI(), probe = RigProbe()
        let synth = system.plug("S-1")
        let rig = try probe.rig(system, s1Rig(feedback: false))
        try rig.start()
        defer { rig.stop() }
        rig.play([0.5, 0.5, 0.5])
        synth.play(.noteOn(channel: 3, note: 64, velocity: 127))
        #expect(probe.wait(performed: 1).count == 1)
    }

    @Test func inputThruAndTheThruMatrixSendThePerformersVector() throws {
        let system = LoopbackMIDI(), probe = RigProbe()
        let xtouch = system.plug("X-TOUCH MINI"), volca = system.plug("Studio 1824c"), ring = system.plug("Ring LEDs")
        let knobs = MIDIMapping([.control(channel: 11, controller: 1), .control(channel: 11, controller: 2)])
        let fm = MIDIMapping([.note(channel: 1), .control(channel: 1, controller: 42)])
        let leds = MIDIMapping([.control(channel: 1, controller: 9, range: 0...13), .control(channel: 1, controller: 10, range: 0...13)])
        var c = MIDIRigConfiguration(inputs: [.init(name: "X-TOUCH", mapping: knobs)],
                                     outputs: [.init(name: "Studio 1824c", mapping: fm), .init(name: "Ring", mapping: leds)], values: 2)
        c.thru = ["X-TOUCH": ["Ring", "Nowhere"]]
        let rig = try probe.rig(system, c)
        try rig.start()
        xtouch.play(.controlChange(channel: 11, controller: 2, value: 127))
        _ = probe.wait(performed: 1)
        usleep(20_000)
        #expect(volca.received.isEmpty, "no input_thru: the synth only hears predictions")
        #expect(ring.receivedMessages == [.controlChange(channel: 1, controller: 9, value: 7), .controlChange(channel: 1, controller: 10, value: 13)])
        rig.stop()

        var thru = c
        thru.thru = [:]
        thru.inputThru = true
        ring.clear()
        let probe2 = RigProbe()
        let rig2 = try probe2.rig(system, thru)
        try rig2.start()
        defer { rig2.stop() }
        xtouch.play(.controlChange(channel: 11, controller: 1, value: 0))
        _ = probe2.wait(performed: 1)
        usleep(20_000)
        #expect(volca.receivedMessages == [.noteOn(channel: 1, note: 0, velocity: 127), .controlChange(channel: 1, controller: 42, value: 64)])
        #expect(ring.receivedMessages.count == 2)
    }

    @Test func aDeviceThatDisappearsIsReopenedWhenItReturns() throws {
        let system = LoopbackMIDI(), probe = RigProbe()
        let rig = try probe.rig(system, s1Rig())
        try rig.start()
        defer { rig.stop() }
        #expect(probe.waitForReport(containing: "'S-1' not found"), "a missing device is said once, clearly")
        #expect(rig.status.inputs.first?.connectedTo == nil)

        var synth = system.plug("S-1 MIDI 1")
        #expect(probe.waitForReport(containing: "MIDI in  'S-1' → S-1 MIDI 1"))
        #expect(probe.waitForReport(containing: "MIDI out 'S-1' → S-1 MIDI 1"))
        synth.play(.noteOn(channel: 3, note: 10, velocity: 1))
        #expect(probe.wait(performed: 1).count == 1)

        system.unplug("S-1 MIDI 1")
        #expect(probe.waitForReport(containing: "disappeared"))
        rig.play([0.1, 0.1, 0.1])  // nowhere to go: dropped, nothing stops
        synth = system.plug("S-1 MIDI 1")
        #expect(probe.waitForReport(containing: "(reopened)"))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, rig.status.outputs.first?.connectedTo == nil { usleep(5000) }
        synth.play(.noteOn(channel: 3, note: 20, velocity: 1))
        #expect(probe.wait(performed: 2).count == 2, "the returned device plays again")
        rig.play([0.2, 0.2, 0.2])
        #expect(synth.receivedMessages == [.noteOn(channel: 3, note: 26, velocity: 127), .controlChange(channel: 3, controller: 19, value: 26),
                                           .controlChange(channel: 3, controller: 20, value: 26)])
    }

    @Test func virtualPortsCarryTheSameMapping() throws {
        let system = LoopbackMIDI(), probe = RigProbe()
        let mapping = MIDIMapping.standard(values: 2)
        let c = MIDIRigConfiguration(inputs: [.init(name: "Baton in", virtual: true, mapping: mapping)],
                                     outputs: [.init(name: "Baton out", virtual: true, mapping: mapping)], values: 2)
        let rig = try probe.rig(system, c)
        try rig.start()
        defer { rig.stop() }
        system.playIntoVirtual("Baton in", MIDIMessage.controlChange(channel: 1, controller: 1, value: 127).bytes)
        #expect(probe.wait(performed: 1) == [[0.5, 1]])
        rig.play([0, 0])
        #expect(system.sentToVirtual("Baton out") == [[0x90, 0, 127], [0xB0, 1, 0]])
    }

    @Test func mappingsOfTheWrongLengthAreRefused() {
        let c = MIDIRigConfiguration(inputs: [.init(name: "S-1", mapping: MIDIMapping([.note(channel: 1)]))], outputs: [], values: 3)
        #expect(throws: MIDIError.self) { try MIDIRig(backend: LoopbackMIDI(), configuration: c, perform: { _ in }) }
    }

    @Test func aFloodIsBoundedNotBuffered() throws {
        let system = LoopbackMIDI()
        let synth = system.plug("S-1")
        var c = s1Rig()
        c.queueLimit = 8
        let rig = try MIDIRig(backend: system, configuration: c, perform: { _ in usleep(200) })
        try rig.start()
        defer { rig.stop() }
        for i in 0..<3000 { synth.play(.controlChange(channel: 3, controller: 19, value: i % 128)) }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, rig.status.counters.performed + rig.status.counters.overflowed < 3000 { usleep(5000) }
        let counters = rig.status.counters
        #expect(counters.performed + counters.overflowed == 3000, "every message is either played or counted as dropped")
        #expect(counters.overflowed > 0, "a slow consumer drops the oldest instead of queueing without bound")
    }
}
