@testable import BatonCore
import Foundation
import Testing

@Suite struct SamplingTests {
    @Test func softmaxIsShiftInvariantAndNormalised() {
        let logits: [Float] = [1, 2, 3, -4, 0.5]
        var a = [Float](repeating: 0, count: 5), b = a
        logits.withUnsafeBufferPointer { l in a.withUnsafeMutableBufferPointer { Categorical.softmax(l, into: $0) } }
        let shifted = logits.map { $0 + 1000 }
        shifted.withUnsafeBufferPointer { l in b.withUnsafeMutableBufferPointer { Categorical.softmax(l, into: $0) } }
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
