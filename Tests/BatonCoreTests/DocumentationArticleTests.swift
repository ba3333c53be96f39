import BatonCore
import Foundation
import Testing

// The code of BatonCore.docc/LoadingAndSteppingAModel.md, verbatim (the last test below
// fails when an article's code and its copy here drift apart). Public API only.

/// The byte a text model finds most likely after `prompt`, and the model's name.
func mostLikelyNextByte(modelPath: String, prompt: String) throws(ModelFileError) -> (name: String, byte: UInt8) {
    let model = try Model.load(path: modelPath)
    let stepper = Stepper(model: model)
    var logits = stepper.output
    for byte in prompt.utf8 {
        logits = stepper.step(symbol: Int(byte))
    }
    let best = logits.indices.max { logits[$0] < logits[$1] } ?? 0
    return (model.displayName, UInt8(best))
}

/// `count` bytes of text continuing `prompt`, drawn at `temperature`.
func continueText(modelPath: String, prompt: String, count: Int, temperature: Float, seed: UInt64) throws -> String {
    let model = try Model.load(path: modelPath)
    let options = SamplingOptions(temperature: temperature, topP: 0.95)
    try options.validate()
    let generator = TextGenerator(model: model, options: options, seed: seed)
    generator.prime(Array(prompt.utf8))
    var assembler = UTF8Assembler()
    var text = ""
    for _ in 0..<count {
        text += assembler.push(generator.next())
    }
    return text
}

/// The next `count` events an instrument model plays after hearing `performed`.
func improvise(modelPath: String, performed: [[Float]], count: Int, seed: UInt64) throws -> [[Float]] {
    let model = try Model.load(path: modelPath)
    guard model.config.kind == .control else { return [] }
    let generator = EventGenerator(model: model, piTemperature: 1, sigmaTemperature: 0.5, seed: seed)
    for event in performed where event.count == generator.dims {
        generator.feed(event)
    }
    return (0..<count).map { _ in generator.next() }
}

@Suite struct DocumentationArticleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func shipped(_ name: String) -> String { root.appendingPathComponent("Models/\(name)").path }

    @Test func theStepperPredictsAustensNextLetter() throws {
        let (name, byte) = try mostLikelyNextByte(modelPath: Self.shipped("text/austen.safetensors"),
                                                  prompt: "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wif")
        #expect(name == "Austen")
        #expect(byte == UInt8(ascii: "e"))
    }

    @Test func generatedTextReplaysFromItsSeed() throws {
        let path = Self.shipped("text/austen.safetensors")
        let first = try continueText(modelPath: path, prompt: "Mr. Darcy", count: 40, temperature: 0.8, seed: 7)
        let again = try continueText(modelPath: path, prompt: "Mr. Darcy", count: 40, temperature: 0.8, seed: 7)
        let other = try continueText(modelPath: path, prompt: "Mr. Darcy", count: 40, temperature: 0.8, seed: 8)
        #expect(!first.isEmpty && !first.contains("\u{FFFD}"))
        #expect(first == again)
        #expect(first != other)
    }

    @Test func aZeroTemperatureIsRefusedByName() {
        #expect(throws: InvalidSetting.self) {
            try continueText(modelPath: Self.shipped("text/austen.safetensors"), prompt: "", count: 1, temperature: 0, seed: 1)
        }
    }

    @Test func aMissingModelNamesItsPath() {
        do {
            _ = try mostLikelyNextByte(modelPath: "/nonexistent/model.safetensors", prompt: "a")
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.message.contains("/nonexistent/model.safetensors"))
            #expect(!error.hint.isEmpty)
        }
    }

    @Test func theInstrumentPlaysInsideItsTrainedRange() throws {
        let path = Self.shipped("control/impsy-4d.safetensors")
        let performed: [[Float]] = [[0.2, 0.1, 0.5, 0.9], [0.1, 0.3, 0.5, 0.7], [0.3, 0.5, 0.5, 0.5]]
        let events = try improvise(modelPath: path, performed: performed, count: 6, seed: 3)
        let range = try #require(ValueRange(metadata: try Model.load(path: path).metadata, dims: 4))
        #expect(events.count == 6)
        for event in events {
            #expect(event.count == 4)
            #expect(event[0] >= 0.000_454)
            for d in 1..<4 { #expect(event[d] >= range.minimum[d] && event[d] <= range.maximum[d]) }
        }
        #expect(try improvise(modelPath: Self.shipped("text/austen.safetensors"), performed: [], count: 1, seed: 1).isEmpty)
    }

    /// Every ```swift block of each library's articles appears verbatim in the test that
    /// runs it, so the documentation cannot describe code that no longer compiles.
    @Test(arguments: [
        ("Sources/BatonCore/BatonCore.docc/LoadingAndSteppingAModel.md", "Tests/BatonCoreTests/DocumentationArticleTests.swift"),
        ("Sources/BatonEnsemble/BatonEnsemble.docc/ConductingAnEnsemble.md", "Tests/BatonEnsembleTests/DocumentationArticleTests.swift"),
        ("Sources/BatonOSC/BatonOSC.docc/DecodingOSC.md", "Tests/BatonOSCTests/DocumentationArticleTests.swift"),
        ("Sources/BatonServer/BatonServer.docc/RunningTheServerInProcess.md", "Tests/BatonServerTests/DocumentationArticleTests.swift"),
    ])
    func articleCodeIsTheTestedCode(article: String, test: String) throws {
        let markdown = try String(contentsOf: Self.root.appendingPathComponent(article), encoding: .utf8)
        let source = try String(contentsOf: Self.root.appendingPathComponent(test), encoding: .utf8)
        let blocks = Self.swiftBlocks(markdown).filter { block in !block.split(separator: "\n").allSatisfy { $0.hasPrefix("import ") } }
        #expect(!blocks.isEmpty, "\(article) shows no code")
        for block in blocks {
            #expect(source.contains(block), "\(article): this block is not in \(test):\n\(block)")
        }
    }

    static func swiftBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = [], current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```swift" {
                current = []
            } else if let block = current, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(block.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }
}
