import BatonCore
@testable import BatonEnsemble
import BatonTraining
import Foundation
import Testing

func textModel(seed: UInt64, units: Int = 12) -> Model {
    var rng = SeededGenerator(seed: seed)
    var model = Model.initialised(.text(layers: 2, units: units), using: &rng)
    for i in model.parameters.indices { model.parameters[i] *= 3 }  // sharper, more distinct distributions
    return model
}

@Suite struct PoolingTests {
    static func pooled(_ distributions: [[Float]], _ weights: [Float], _ pooling: Pooling) -> [Float] {
        let logs = distributions.map { $0.map { Foundation.log($0) } }
        let count = distributions[0].count
        var joint = [Float](repeating: 0, count: count)
        let pointers = logs.map { log -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: log.count)
            p.initialize(from: log, count: log.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        joint.withUnsafeMutableBufferPointer {
            TextEnsemble.pool(pointers.map { UnsafePointer($0) }, weights: weights, pooling: pooling, count: count, into: $0.baseAddress!)
        }
        return joint
    }

    @Test func linearPoolingIsTheWeightedAverage() {
        let joint = Self.pooled([[0.5, 0.5, 0, 0].map { $0 + 1e-12 }, [0, 0, 0.25, 0.75].map { $0 + 1e-12 }], [0.8, 0.2], .linear)
        for (a, b) in zip(joint, [Float(0.4), 0.4, 0.05, 0.15]) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func productPoolingIsTheNormalisedWeightedGeometricMean() {
        let p: [Float] = [0.1, 0.2, 0.7], q: [Float] = [0.6, 0.3, 0.1]
        let joint = Self.pooled([p, q], [0.5, 0.5], .product)
        let raw = zip(p, q).map { ($0 * $1).squareRoot() }
        let total = raw.reduce(0, +)
        for (a, b) in zip(joint, raw.map { $0 / total }) { #expect(abs(a - b) < 1e-6) }
        // One member at full weight: the product is that member.
        for (a, b) in zip(Self.pooled([p, q], [1, 0], .product), p) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func attributionSharesSumToOne() {
        let shares = TextEnsemble.attribution(byte: 1, active: [0, 2], weights: [0.25, 0.75], memberCount: 3) { i, _ in i == 0 ? 0.8 : 0.1 }
        #expect(abs(shares.reduce(0, +) - 1) < 1e-6 && shares[1] == 0)
        #expect(abs(shares[0] - Float(0.2 / 0.275)) < 1e-6)
    }

    @Test func activeMembersFollowTheThreshold() {
        var settings = EnsembleSettings(weights: [1, 0.02, 3, 0])
        settings.threshold = 0.05
        let (active, weights) = settings.activeMembers()
        #expect(active == [0, 2])
        #expect(abs(weights[0] - 0.25) < 1e-6 && abs(weights[1] - 0.75) < 1e-6)
        settings.weights = [0, 0, 0, 0]
        #expect(settings.activeMembers().indices.count == 4)  // all zero: uniform
    }
}

@Suite struct TextEnsembleTests {
    /// A member that was skipped and re-enters gives exactly the distribution of a model
    /// that saw the whole stream.
    @Test func reenteringMemberCatchesUpExactly() {
        let models = [textModel(seed: 1), textModel(seed: 2)]
        let ensemble = TextEnsemble(models: models, seed: 7, threads: 2)
        ensemble.prime(Array("Once upon".utf8))
        var stream = Array("Once upon".utf8)
        for _ in 0..<10 { stream.append(ensemble.step().byte) }
        ensemble.controls.update { $0.weights = [1, 0] }  // member 1 skipped
        for _ in 0..<25 { stream.append(ensemble.step().byte) }
        ensemble.controls.update { $0.weights = [1, 1] }  // re-enters
        stream.append(ensemble.step().byte)
        #expect(ensemble.lastActive == [0, 1])
        let reference = Stepper(model: models[1])
        for byte in stream.dropLast() { reference.step(symbol: Int(byte)) }
        let expected = Array(reference.output)
        var logProbabilities = [Float](repeating: 0, count: 256)
        expected.withUnsafeBufferPointer { l in logProbabilities.withUnsafeMutableBufferPointer { Softmax.logSoftmax(l, temperature: 1, into: $0.baseAddress!) } }
        let seen = ensemble.distribution(of: 1)
        for j in 0..<256 { #expect(abs(seen[j] - Foundation.exp(logProbabilities[j])) < 1e-6) }
    }

    @Test func memberSkippedLongerThanTheHistoryRestartsOnRecentContext() {
        let models = [textModel(seed: 3), textModel(seed: 4)]
        let ensemble = TextEnsemble(models: models, settings: { var s = EnsembleSettings(weights: [1, 0]); s.threshold = 0.05; return s }(), seed: 1)
        for _ in 0..<(TextEnsemble.historyLength + 40) { _ = ensemble.step() }
        ensemble.controls.update { $0.weights = [1, 1] }
        _ = ensemble.step()
        let member = ensemble.members[1]
        #expect(member.withLock { member.position } == ensemble.position - 1)
    }

    @Test func seededRunsReplayWithTheSameWeightSchedule() {
        func run() -> [EnsembleSymbol] {
            let ensemble = TextEnsemble(models: [textModel(seed: 5), textModel(seed: 6), textModel(seed: 7)], seed: 99, threads: 2)
            ensemble.prime(Array("The".utf8))
            var out: [EnsembleSymbol] = []
            for t in 0..<60 {
                if t == 10 { ensemble.controls.update { $0.weights = [0.01, 1, 1]; $0.pooling = .product } }
                if t == 30 { ensemble.controls.update { $0.weights = [1, 0, 0.5]; $0.temperature = 0.7 } }
                if t == 45 { ensemble.controls.update { $0.lookahead = Lookahead(candidates: 3, depth: 4) } }
                out.append(ensemble.step())
            }
            return out
        }
        #expect(run() == run())
    }

    @Test func everyEmittedSymbolIsAttributed() {
        let ensemble = TextEnsemble(models: [textModel(seed: 8), textModel(seed: 9)], seed: 3)
        for _ in 0..<30 {
            let symbol = ensemble.step()
            #expect(abs(symbol.shares.reduce(0, +) - 1) < 1e-5)
            #expect(symbol.shares[symbol.dominant] == symbol.shares.max())
        }
        #expect(abs(ensemble.jointDistribution.reduce(0, +) - 1) < 1e-4)
    }

    /// Top-k and top-p act on the pooled distribution: with k = 1 the ensemble is greedy.
    @Test func topKAndTopPTruncateThePooledDistribution() {
        let ensemble = TextEnsemble(models: [textModel(seed: 11), textModel(seed: 12)], seed: 6, threads: 1)
        ensemble.controls.update { $0.topK = 1 }
        for _ in 0..<20 {
            let symbol = ensemble.step()
            let joint = ensemble.jointDistribution
            #expect(abs(joint[Int(symbol.byte)] - 1) < 1e-6 && joint.filter { $0 > 0 }.count == 1)
        }
        ensemble.controls.update { $0.topK = 0; $0.topP = 0.5 }
        for _ in 0..<20 {
            let symbol = ensemble.step()
            let kept = ensemble.jointDistribution.filter { $0 > 0 }
            #expect(ensemble.jointDistribution[Int(symbol.byte)] > 0 && abs(kept.reduce(0, +) - 1) < 1e-5)
            #expect(kept.count < 256)
        }
    }

    @Test func lookaheadLeavesMemberStatesUnchanged() {
        let model = textModel(seed: 10)
        let ensemble = TextEnsemble(models: [model], seed: 4, threads: 1)
        ensemble.controls.update { $0.lookahead = Lookahead(candidates: 4, depth: 6) }
        var stream: [UInt8] = [0x0A]
        for _ in 0..<20 { stream.append(ensemble.step().byte) }
        let reference = Stepper(model: model)
        for byte in stream.dropLast() { reference.step(symbol: Int(byte)) }
        _ = ensemble.step()  // brings the member to the stream position
        #expect(Array(ensemble.members[0].stepper.output) == Array(reference.step(symbol: Int(stream.last!))))
    }
}
