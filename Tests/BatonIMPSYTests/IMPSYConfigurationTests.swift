import BatonCore
@testable import BatonIMPSY
import BatonMIDI
import Foundation
import Testing

enum Fixtures {
    /// The shared IMPSY fixtures: under `BATON_SHARED` when it is set, else in `../shared`
    /// beside the checkout (no machine-specific fallback).
    static let impsy: String = {
        let shared = ProcessInfo.processInfo.environment["BATON_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
        return shared.appendingPathComponent("fixtures/impsy").path
    }()
    static var configs: String { impsy + "/configs" }
    static var configFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: configs)) ?? []).filter { $0.hasSuffix(".toml") }.sorted().map { configs + "/" + $0 }
    }

    static func write(_ text: String, name: String = "config.toml") -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-impsy-\(getpid())-\(UUID().uuidString.prefix(6))")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

@Suite struct IMPSYConfigurationTests {
    @Test func everySharedConfigLoads() throws {
        let files = Fixtures.configFiles
        #expect(files.count >= 7, "the shared IMPSY configs are missing: \(Fixtures.configs) (put the shared folder at ../shared beside the checkout, or set BATON_SHARED to it)")
        for file in files {
            let c = try IMPSYConfiguration.load(path: file)
            #expect((2...17).contains(c.dimension), "\(file)")
            if let midi = c.midi {
                for mapping in Array(midi.inputs.values) + Array(midi.outputs.values) { #expect(mapping.entries.count == c.dimension - 1, "\(file)") }
                try midi.rig(values: c.dimension - 1, inputThru: c.inputThru).validate()
            }
        }
    }

    @Test func theS1XTouchRigReadsAsIMPSYReadsIt() throws {
        let c = try IMPSYConfiguration.load(path: Fixtures.configs + "/roland-s-1-xtouch.toml")
        #expect(c.mode == .callresponse && c.threshold == 0.1 && !c.inputThru)
        #expect(c.dimension == 9 && c.size == "s" && c.sigmaTemperature == 0.01 && c.piTemperature == 1 && c.timescale == 1)
        let midi = try #require(c.midi)
        #expect(midi.inDevices == ["S-1", "X-TOUCH"] && midi.outDevices == ["S-1", "X-TOUCH"] && midi.feedbackProtection)
        #expect(midi.feedbackThreshold == 0.02, "IMPSY's default")
        #expect(midi.inputs["S-1"]?.entries.first == .note(channel: 3))
        #expect(midi.inputs["S-1"]?.entries[4] == .control(channel: 3, controller: 3))
        #expect(midi.outputs["X-TOUCH"]?.entries[0] == .control(channel: 1, controller: 9, range: 0...13))
        #expect(c.osc == nil && c.warnings.contains { $0.contains("log_input") })
    }

    @Test func unsupportedSectionsAreWarningsNamingThem() throws {
        let c = try IMPSYConfiguration.load(path: Fixtures.configs + "/default.toml")
        for section in ["[websocket]", "[serial]", "[serialmidi]", "[webui]"] {
            #expect(c.warnings.contains { $0.hasPrefix(section) }, "no warning for \(section): \(c.warnings)")
        }
        #expect(c.inputThru && c.osc == IMPSYConfiguration.OSC(serverIP: "0.0.0.0", serverPort: 6000, clientIP: "localhost", clientPort: 6001))
        #expect(c.midi?.outputs["Studio 1824c"]?.entries.count == 8)
        #expect(c.warnings.contains { $0.contains("'X-TOUCH' has no output") } == false)
        #expect(c.warnings.contains { $0.contains("out_device 'Studio 1824c'") } == false)
    }

    @Test func userOnlyConfigHasNoModelFile() throws {
        let c = try IMPSYConfiguration.load(path: Fixtures.configs + "/user-only-example.toml")
        #expect(c.mode == .useronly && c.dimension == 17 && c.modelFile == nil && c.midi == nil)
        #expect(c.osc?.clientIP == "0.0.0.0")
    }

    @Test func mistakesAreOneLineErrorsNamingTheKey() {
        func error(_ toml: String) -> String {
            do {
                _ = try IMPSYConfiguration.load(path: Fixtures.write(toml))
                return "loaded"
            } catch {
                return error.description
            }
        }
        #expect(error("[model]\nsize = \"s\"\n").contains("dimension is missing"))
        #expect(error("[model]\ndimension = 3\n[interaction]\nmode = \"duet\"\n").contains("mode = \"duet\" is not an IMPSY mode"))
        #expect(error("[model]\ndimension = 3\nsigmatemp = \"hot\"\n").contains("sigmatemp must be a number"))
        #expect(error("[model]\ndimension = 3\n[midi]\nin_device = [\"A\"]\nout_device = []\ninput.\"A\" = [[\"note_on\", 1]]\n").contains("has 1 entries but dimension 3 needs 2"))
        #expect(error("[model]\ndimension = 2\n[midi]\ninput.\"A\" = [[\"note_on\", 17]]\n").contains("channel 17 is outside 1–16"))
        #expect(error("[model]\ndimension = 2\n[midi]\ninput.\"A\" = [[\"control_change\", 1, 7, 90, 10]]\n").contains("minimum 90 is above maximum 10"))
        #expect(error("[model]\ndimension = 2\n[midi]\ninput.\"A\" = [[\"pitch_bend\", 1]]\n").contains("entry 1"))
        #expect(error("[model\ndimension = 2\n").contains("not valid TOML at line 1"))
        #expect(error("dimension = 2").contains("dimension is missing"))
    }

    @Test func unknownKeysAreWarnedNotSilent() throws {
        let c = try IMPSYConfiguration.load(path: Fixtures.write("colour = \"red\"\n[model]\ndimension = 3\nlayers = 4\n[interaction]\nspeed = 2\n[midi]\nin_device = [\"A\"]\nout_device = [\"B\"]\n"))
        for key in ["'colour'", "[model] layers", "[interaction] speed", "in_device 'A' has no input", "out_device 'B' has no output"] {
            #expect(c.warnings.contains { $0.contains(key) }, "\(key) not in \(c.warnings)")
        }
    }
}
