import Foundation
import ArgumentParser
import BatonCore
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

    /// Seeds are every UInt64 in every command; anything else is one line naming the value.
    @Test func seedsCoverTheWholeUInt64RangeAndNothingElse() throws {
        for command in [["sample", "m.safetensors"], ["ensemble", "m.safetensors"], ["predict", "m.safetensors"],
                        ["draw", "m.safetensors", "--out", "d.svg"], ["serve"], ["train", "text", "c.txt", "--out", "m.safetensors"]] {
            #expect(Self.validationMessage(command + ["--seed", "18446744073709551615"]) == nil, "\(command)")
            #expect(Self.validationMessage(command + ["--seed", "0"]) == nil)
            for bad in ["-1", "18446744073709551616", "1.5", "seven"] {
                let message = Self.validationMessage(command + ["--seed", bad])
                #expect(message?.contains("--seed must be a whole number from 0 to 18446744073709551615, got '\(bad)'") == true, "\(command) \(bad): \(message ?? "accepted")")
                #expect(message?.contains("Usage") == false)
            }
        }
        let parsed = try BatonCommand.parseAsRoot(["train", "text", "c.txt", "--out", "m.safetensors"]) as? TrainTextCommand
        #expect(parsed?.training.seed.resolve() == 1)
    }

    /// π and σ temperatures are validated by every command that takes them.
    @Test func rejectsBadMixtureTemperaturesEverywhere() {
        for command in [["predict", "m.safetensors"], ["draw", "m.safetensors", "--out", "d.svg"]] {
            for flag in ["--temperature", "--pi-temperature", "--sigma-temperature"] {
                for bad in ["0", "-2", "nan", "inf"] {
                    #expect(Self.validationMessage(command + ["\(flag)=\(bad)"])?.contains("\(flag) must be a finite number > 0") == true, "\(command) \(flag) \(bad)")
                }
                #expect(Self.validationMessage(command + [flag, "0.01"]) == nil)
            }
        }
    }

    @Test func ensembleTakesTopKTopPAndPredictTakesPrecision() throws {
        let ensemble = try BatonCommand.parseAsRoot(["ensemble", "a.safetensors", "--top-k", "20", "--top-p", "0.9"]) as? EnsembleCommand
        #expect(ensemble?.sampling.options == SamplingOptions(temperature: 0.8, topK: 20, topP: 0.9))
        #expect(Self.validationMessage(["ensemble", "a.safetensors", "--top-p", "0"])?.contains("--top-p") == true)
        #expect(Self.validationMessage(["ensemble", "a.safetensors", "--temperature", "0"])?.contains("--temperature") == true)
        let predict = try BatonCommand.parseAsRoot(["predict", "c.safetensors", "--precision", "f16"]) as? PredictCommand
        #expect(predict?.precision.precision == .float16)
        let draw = try BatonCommand.parseAsRoot(["draw", "s.safetensors", "--out", "d.svg", "--pi-temperature", "0.3"]) as? DrawCommand
        #expect(draw?.temperatures.pi == 0.3 && draw?.temperatures.sigma == 0.65)
    }

    @Test func rejectsBadTrainingOptions() {
        let base = ["train", "text", "corpus.txt", "--out", "m.safetensors"]
        #expect(Self.validationMessage(base + ["--dropout", "1"])?.contains("dropout = 1.0") == true)
        #expect(Self.validationMessage(base + ["--minutes", "0"])?.contains("minutes = 0") == true)
        #expect(Self.validationMessage(base + ["--minutes", "nan"])?.contains("minutes = nan") == true)
        #expect(Self.validationMessage(base + ["--validate-every", "0"])?.contains("validate-every = 0") == true)
        #expect(Self.validationMessage(base + ["--units", "0"])?.contains("units = 0") == true)
        #expect(Self.validationMessage(base + ["--batch", "100000"])?.contains("batch = 100000") == true)
        #expect(Self.validationMessage(base + ["--clip=-1"])?.contains("clip = -1.0") == true)
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
