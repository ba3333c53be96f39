import Foundation
import ArgumentParser
@testable import BatonCLI
import Testing

/// Option validation happens before any work starts and names the bad value.
@Suite struct CommandParsingTests {
    static func validationMessage(_ arguments: [String]) -> String? {
        do {
            _ = try BatonCommand.parseAsRoot(arguments)
            return nil
        } catch {
            return BatonCommand.message(for: error)
        }
    }

    @Test func rejectsBadSamplingOptions() {
        #expect(Self.validationMessage(["sample", "m.safetensors", "--temperature", "0"])?.contains("--temperature") == true)
        #expect(Self.validationMessage(["sample", "m.safetensors", "--top-p", "1.5"])?.contains("--top-p") == true)
        #expect(Self.validationMessage(["sample", "m.safetensors", "--length", "-3"]) != nil)
    }

    @Test func rejectsBadTrainingOptions() {
        let base = ["train", "text", "corpus.txt", "--out", "m.safetensors"]
        #expect(Self.validationMessage(base + ["--dropout", "1"])?.contains("--dropout") == true)
        #expect(Self.validationMessage(base + ["--minutes", "0"])?.contains("--minutes") == true)
        #expect(Self.validationMessage(base + ["--optimizer", "sgd"])?.contains("adam") == true)
        #expect(Self.validationMessage(base + ["--colour", "red"])?.contains("#") == true)
        #expect(Self.validationMessage(["train", "text", "corpus.txt", "--out", "model.bin"])?.contains(".safetensors") == true)
        #expect(Self.validationMessage(base) == nil)
    }

    @Test func rejectsBadMIDIOptions() {
        #expect(Self.validationMessage(["serve", "--midi-api", "coreaudio"])?.contains("--midi-api") == true)
        #expect(Self.validationMessage(["serve", "--log-format", "json"])?.contains("csv or impsy") == true)
        #expect(Self.validationMessage(["serve", "--midi-map", "7=volume"])?.contains("unknown target 'volume'") == true)
        #expect(Self.validationMessage(["serve", "--midi-in", " "])?.contains("device name") == true)
        #expect(Self.validationMessage(["ensemble", "a.safetensors", "--midi-map", "7=weight:1"])?.contains("--midi-in") == true)
        #expect(Self.validationMessage(["midi", "list", "--midi-api", "winmm"])?.contains("--midi-api") == true)
        #expect(Self.validationMessage(["serve", "--impsy-config", "rig.toml", "--midi-in", "S-1", "--midi-map", "1:7=weight:2", "--log-format", "impsy"]) == nil)
    }
}

@Suite struct BLASAdviceTests {
    @Test func onlyAnAVX2CoreOnAnAVX512MachineEarnsTheNote() throws {
        #expect(BLASAdvice.note(environment: [:]) == nil)
        #expect(BLASAdvice.note(environment: ["OPENBLAS_CORETYPE": "SkylakeX"]) == nil)
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let avx512 = flags.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").contains("avx512f") ?? false
        let note = BLASAdvice.note(environment: ["OPENBLAS_CORETYPE": "Haswell"])
        #expect((note != nil) == avx512)
        if let note { #expect(note.contains("OPENBLAS_CORETYPE=Haswell") && note.contains("SkylakeX")) }
    }
}
