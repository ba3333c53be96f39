@testable import BatonMIDI
import Testing

@Suite struct MIDIMessageTests {
    @Test func parsesAndEncodesChannelMessages() {
        #expect(MIDIMessage(bytes: [0x92, 60, 100]) == .noteOn(channel: 3, note: 60, velocity: 100))
        #expect(MIDIMessage(bytes: [0x80, 60, 0]) == .noteOff(channel: 1, note: 60, velocity: 0))
        #expect(MIDIMessage(bytes: [0xBA, 7, 127]) == .controlChange(channel: 11, controller: 7, value: 127))
        #expect(MIDIMessage(bytes: [0xF8]) == .other([0xF8]))
        #expect(MIDIMessage(bytes: [0x90, 60]) == nil, "a truncated note-on is refused")
        #expect(MIDIMessage(bytes: [UInt8]()) == nil)
        #expect(MIDIMessage.controlChange(channel: 16, controller: 1, value: 2).bytes == [0xBF, 1, 2])
        #expect(MIDIMessage.noteOn(channel: 1, note: 0, velocity: 0).isNoteRelease)
        #expect(MIDIMessage(bytes: [0x90, 0xFF, 0xFF]) == .noteOn(channel: 1, note: 127, velocity: 127), "data bytes are 7-bit")
    }
}

@Suite struct MIDIMappingTests {
    let s1 = MIDIMapping([.note(channel: 3), .control(channel: 3, controller: 19), .control(channel: 3, controller: 20)])

    @Test func decodesNotesAndControllersByChannelLikeIMPSY() throws {
        let note = try #require(s1.decode(.noteOn(channel: 3, note: 64, velocity: 90)))
        #expect(note.index == 0 && note.value == 64 / 127)
        let cc = try #require(s1.decode(.controlChange(channel: 3, controller: 20, value: 127)))
        #expect(cc.index == 2 && cc.value == 1)
        #expect(s1.decode(.noteOn(channel: 1, note: 64, velocity: 90)) == nil, "another channel is not mapped")
        #expect(s1.decode(.controlChange(channel: 3, controller: 21, value: 5)) == nil)
        #expect(s1.decode(.noteOff(channel: 3, note: 64, velocity: 0)) == nil, "note-offs carry no value")
        #expect(s1.decode(.noteOn(channel: 3, note: 64, velocity: 0)) == nil, "nor do velocity-0 note-ons")
    }

    @Test func firstMatchingEntryWins() {
        let twice = MIDIMapping([.control(channel: 1, controller: 7), .control(channel: 1, controller: 7)])
        #expect(twice.decode(.controlChange(channel: 1, controller: 7, value: 10))?.index == 0)
    }

    @Test func encodesWithIMPSYsCeilingAndClipping() {
        let messages = s1.encode([0.5, 0, 1.7])
        #expect(messages == [.noteOn(channel: 3, note: 64, velocity: 127),             // ceil(63.5)
                             .controlChange(channel: 3, controller: 19, value: 0),
                             .controlChange(channel: 3, controller: 20, value: 127)])  // clipped to 1
        #expect(s1.encode([-.infinity, .nan, -3]).map(\.bytes) == [[0x92, 0, 127], [0xB2, 19, 0], [0xB2, 20, 0]])
    }

    /// IMPSY's `process_midi_min_max`: ceil((max − min) · m / 127) + min, on the ceil'd m.
    @Test func outputRangesSqueezeTheValue() {
        let ring = MIDIMapping([.control(channel: 1, controller: 9, range: 0...13)])
        let expected: [(Float, Int)] = [(0, 0), (1, 13), (0.5, 7), (0.25, 4), (0.01, 1)]
        for (v, want) in expected {
            let m = Int((Double(v) * 127).rounded(.up))
            #expect(Int((13.0 * Double(m) / 127).rounded(.up)) == want, "reference for \(v)")
            #expect(ring.encode([v]) == [.controlChange(channel: 1, controller: 9, value: want)], "value \(v)")
        }
        let offset = MIDIMapping([.control(channel: 1, controller: 1, range: 20...40)])
        #expect(offset.encode([0]) == [.controlChange(channel: 1, controller: 1, value: 20)])
        #expect(offset.encode([1]) == [.controlChange(channel: 1, controller: 1, value: 40)])
        #expect(offset.decode(.controlChange(channel: 1, controller: 1, value: 30))?.value == 0.5, "read back from the range")
        #expect(offset.decode(.controlChange(channel: 1, controller: 1, value: 5))?.value == 0, "below the range clips")
    }

    @Test func standardMappingIsNotesThenControllers() {
        #expect(MIDIMapping.standard(values: 3).entries == [.note(channel: 1), .control(channel: 1, controller: 1), .control(channel: 1, controller: 2)])
    }
}

@Suite struct HeldNotesTests {
    @Test func noteOffPrecedesEachNewNoteOnItsChannel() {
        var held = HeldNotes()
        let first = held.play([.noteOn(channel: 1, note: 60, velocity: 127), .controlChange(channel: 1, controller: 7, value: 3)])
        #expect(first == [.noteOn(channel: 1, note: 60, velocity: 127), .controlChange(channel: 1, controller: 7, value: 3)])
        let second = held.play([.noteOn(channel: 1, note: 62, velocity: 127), .noteOn(channel: 2, note: 40, velocity: 127)])
        #expect(second == [.noteOff(channel: 1, note: 60, velocity: 0), .noteOn(channel: 1, note: 62, velocity: 127),
                           .noteOn(channel: 2, note: 40, velocity: 127)])
        #expect(held.releaseAll() == [.noteOff(channel: 1, note: 62, velocity: 0), .noteOff(channel: 2, note: 40, velocity: 0)])
        #expect(held.releaseAll().isEmpty)
    }

    @Test func feedbackGuardDropsOnlyRecentEchoesOfTheLastNote() {
        var held = HeldNotes()
        _ = held.play([.noteOn(channel: 3, note: 64, velocity: 127)])
        var guardian = FeedbackGuard(enabled: true, threshold: 0.02)
        guardian.sent(at: 1_000_000_000)
        let echo = MIDIMessage.noteOn(channel: 3, note: 64, velocity: 127)
        #expect(guardian.isEcho(echo, at: 1_010_000_000, held: held), "10 ms later, same note: an echo")
        #expect(!guardian.isEcho(echo, at: 1_030_000_000, held: held), "30 ms later: the performer")
        #expect(!guardian.isEcho(.noteOn(channel: 3, note: 65, velocity: 127), at: 1_010_000_000, held: held), "another note")
        #expect(!guardian.isEcho(.noteOn(channel: 2, note: 64, velocity: 127), at: 1_010_000_000, held: held), "another channel")
        #expect(!guardian.isEcho(.controlChange(channel: 3, controller: 64, value: 1), at: 1_010_000_000, held: held), "controllers pass")
        #expect(!guardian.isEcho(echo, at: 1_010_000_000, held: nil), "no output of that name")
        #expect(!FeedbackGuard(enabled: false).isEcho(echo, at: 0, held: held))
    }

    @Test func portsMatchBySubNameAsIMPSYDoes() {
        let ports = ["Midi Through:Midi Through Port-0 14:0", "S-1:S-1 MIDI 1 24:0", "X-TOUCH MINI:X-TOUCH MINI MIDI 1 28:0", "Baton:Baton in 128:0"]
        #expect(MIDIPortMatch.find("S-1", in: ports) == "S-1:S-1 MIDI 1 24:0")
        #expect(MIDIPortMatch.find("X-TOUCH", in: ports) == "X-TOUCH MINI:X-TOUCH MINI MIDI 1 28:0")
        #expect(MIDIPortMatch.find("x-touch", in: ports) == "X-TOUCH MINI:X-TOUCH MINI MIDI 1 28:0", "case-insensitive as a last resort")
        #expect(MIDIPortMatch.find("S-1:S-1 MIDI 1 24:0", in: ports) == "S-1:S-1 MIDI 1 24:0", "exact names win")
        #expect(MIDIPortMatch.find("MicroFreak", in: ports) == nil)
        #expect(MIDIPortMatch.find("Baton", in: ports, ownClient: "Baton") == nil, "never Baton's own ports")
    }
}

@Suite struct MIDIControlMapTests {
    @Test func parsesBindingsAsWritten() throws {
        #expect(try MIDIControlMap.parse("7=weight:1") == .init(channel: nil, controller: 7, target: .weight(index: 0)))
        #expect(try MIDIControlMap.parse("2:16=temperature") == .init(channel: 2, controller: 16, target: .temperature))
        #expect(try MIDIControlMap.parse("1=weight:Nietzsche") == .init(channel: nil, controller: 1, target: .weightNamed("Nietzsche")))
        #expect(try MIDIControlMap.parse("64 = pooling").target == .pooling)
        for bad in ["7", "128=temperature", "17:7=temperature", "7=weight:0", "7=volume", "x=pooling", "7=weight:"] {
            #expect(throws: MIDIError.self, "\(bad)") { try MIDIControlMap.parse(bad) }
        }
        #expect(try MIDIControlMap.parse("3:7=weight:2").description == "3:7=weight:2")
    }

    @Test func controllersMoveTheirTargetsOverTheStudiosRanges() {
        let map = MIDIControlMap([.init(channel: nil, controller: 7, target: .weight(index: 0)), .init(channel: 2, controller: 8, target: .temperature),
                                  .init(channel: nil, controller: 9, target: .pooling), .init(channel: nil, controller: 10, target: .threshold)])
        #expect(map.apply(.controlChange(channel: 5, controller: 7, value: 127)).map(\.value) == [1])
        #expect(map.apply(.controlChange(channel: 2, controller: 8, value: 0)).map(\.value) == [0.1])
        #expect(map.apply(.controlChange(channel: 2, controller: 8, value: 127)).map(\.value) == [2])
        #expect(map.apply(.controlChange(channel: 1, controller: 8, value: 127)).isEmpty, "bound to channel 2 only")
        #expect(map.apply(.controlChange(channel: 1, controller: 9, value: 63)).map(\.value) == [0])
        #expect(map.apply(.controlChange(channel: 1, controller: 9, value: 64)).map(\.value) == [1])
        #expect(map.apply(.controlChange(channel: 1, controller: 10, value: 127)).map(\.value) == [0.5])
        #expect(map.apply(.noteOn(channel: 1, note: 7, velocity: 1)).isEmpty)
    }

    @Test func learningRebindsTheControllerAndTheTarget() {
        var map = MIDIControlMap([.init(channel: 1, controller: 7, target: .weight(index: 0))])
        map.bind(channel: 1, controller: 7, to: .temperature)
        #expect(map.bindings == [.init(channel: 1, controller: 7, target: .temperature)])
        map.bind(channel: 1, controller: 8, to: .temperature)
        #expect(map.bindings == [.init(channel: 1, controller: 8, target: .temperature)], "one controller per target, as the Studio's learn")
    }
}
