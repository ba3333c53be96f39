@testable import BatonCore
import Foundation
import Testing

@Suite struct SamplingTests {
    @Test func softmaxIsShiftInvariantAndNormalised() {
        let logits: [Float] = [1, 2, 3, -4, 0.5]
        var a = [Float](repeating: 0, count: 5), b = a
        logits.withUnsafeBufferPointer { l in a.withUnsafeMutableBufferPointer { Softmax.softmax(l, into: $0) } }
        let shifted = logits.map { $0 + 1000 }
        shifted.withUnsafeBufferPointer { l in b.withUnsafeMutableBufferPointer { Softmax.softmax(l, into: $0) } }
        for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-6) }
        #expect(abs(a.reduce(0, +) - 1) < 1e-6)
    }

    @Test func sampleIndexNeverRunsOffTheEnd() {
        let weights: [Float] = [0.2, 0.3, 0.5, 0, 0]
        weights.withUnsafeBufferPointer { w in
            #expect(Categorical.sampleIndex(w, uniform: 0) == 0)
            #expect(Categorical.sampleIndex(w, uniform: 0.25) == 1)
            // Rounding can leave the running sum short of u · total: the last non-zero index.
            #expect(Categorical.sampleIndex(w, uniform: 0.99999999) == 2)
            #expect(Categorical.sampleIndex(w, uniform: 1.5) == 2)
        }
    }

    @Test func topKAndTopPKeepOnlyTheHead() {
        let sampler = SymbolSampler(symbols: 6)
        let logits: [Float] = [5, 4, 3, 2, 1, 0]
        logits.withUnsafeBufferPointer { l in
            let k = Array(sampler.distribution(l, options: SamplingOptions(topK: 2)))
            #expect(k[2...].allSatisfy { $0 == 0 } && abs(k[0] + k[1] - 1) < 1e-6)
            let p = Array(sampler.distribution(l, options: SamplingOptions(topP: 0.5)))
            #expect(p[0] == 1 && p[1...].allSatisfy { $0 == 0 })
        }
    }

    /// Truncation runs after the UTF-8 grammar: top-k picks among the bytes that may come
    /// next (truncating first could keep only forbidden bytes and leave a uniform draw).
    @Test func topKChoosesAmongTheBytesTheGrammarAllows() {
        var logits = [Float](repeating: -5, count: 256)
        logits[0x41] = 9      // 'A' is the model's favourite, but a continuation byte must come next
        logits[0xA9] = 3      // the best continuation byte
        logits[0x80] = 2
        var grammar = UTF8Grammar()
        grammar.advance(0xC3)
        let sampler = SymbolSampler()
        let p = logits.withUnsafeBufferPointer { Array(sampler.distribution($0, options: SamplingOptions(topK: 1), grammar: grammar)) }
        #expect(abs(p[0xA9] - 1) < 1e-6 && p.filter { $0 > 0 }.count == 1)
    }

    @Test func samplingOptionsAreValidatedOneWay() {
        #expect(throws: Never.self) { try SamplingOptions(temperature: 0.8, topK: 40, topP: 0.95).validate() }
        for bad in [SamplingOptions(temperature: 0), SamplingOptions(topK: -1), SamplingOptions(topP: 0), SamplingOptions(topP: 1.01), SamplingOptions(topP: .nan)] {
            #expect(throws: InvalidSetting.self) { try bad.validate() }
        }
        #expect((try? SamplingOptions(topP: 2).validate(prefix: "/baton/")) == nil)
    }

    @Test func seededSamplingReplays() {
        let model = randomModel(.text(layers: 1, units: 16), seed: 8)
        func run() -> [UInt8] {
            let g = TextGenerator(model: model, options: SamplingOptions(temperature: 0.9), seed: 42)
            g.prime(Array("Hello".utf8))
            return (0..<50).map { _ in g.next() }
        }
        #expect(run() == run())
    }

    @Test func utf8AssemblerWaitsForWholeCharacters() {
        var assembler = UTF8Assembler()
        var out = ""
        for byte in Array("é—ok".utf8) { out += assembler.push(byte) }
        #expect(out == "é—ok")
        var broken = UTF8Assembler()
        #expect(broken.push(0xC3) == "")
        #expect(broken.push(0x41) == "\u{FFFD}A")
        #expect(broken.push(0xFF) == "\u{FFFD}")
        #expect(broken.push(0xE2) == "" && broken.flush() == "\u{FFFD}")
    }
}

@Suite struct UTF8GrammarTests {
    @Test func allowsExactlyWellFormedSequences() {
        var g = UTF8Grammar()
        #expect(g.allows(0x41) && g.allows(0xC3) && !g.allows(0x80) && !g.allows(0xC0) && !g.allows(0xF5))
        g.advance(0xE0)
        #expect(!g.allows(0x9F) && g.allows(0xA0) && !g.allows(0x41))
        g.advance(0xA0)
        #expect(g.allows(0x80) && !g.allows(0xC3))
        g.advance(0x80)
        #expect(g.isAtBoundary)
        g.advance(0xED)
        #expect(!g.allows(0xA0), "no UTF-16 surrogates")
        g.advance(0x80); g.advance(0x80)
        g.advance(0xF4)
        #expect(!g.allows(0x90), "nothing above U+10FFFF")
    }

    @Test func constrainedSamplingOnlyEverWritesValidUTF8() {
        // A distribution that loves continuation bytes and invalid leads.
        var g = UTF8Grammar()
        var rng = SeededGenerator(seed: 6)
        var bytes: [UInt8] = []
        var complete = 0
        var probabilities = [Float](repeating: 0, count: 256)
        for _ in 0..<5000 {
            for b in 0..<256 { probabilities[b] = b >= 0x80 ? 10 : 0.1 }
            let sum = probabilities.reduce(0, +)
            for b in 0..<256 { probabilities[b] /= sum }
            let byte = probabilities.withUnsafeMutableBufferPointer { p -> Int in
                g.constrain(p)
                return Categorical.sampleIndex(UnsafeBufferPointer(p), uniform: rng.nextFloat())
            }
            g.advance(UInt8(byte))
            bytes.append(UInt8(byte))
            if g.isAtBoundary { complete = bytes.count }
        }
        #expect(String(validating: bytes[..<complete], as: UTF8.self) != nil)
        #expect(bytes.contains { $0 >= 0xF0 }, "multi-byte characters are still written")
    }
}
