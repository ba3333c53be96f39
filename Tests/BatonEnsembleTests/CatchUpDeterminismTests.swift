import BatonCore
@testable import BatonEnsemble
import Foundation
import Testing

/// Replay is deterministic whatever the background catch-up worker managed to do: a member
/// skipped for longer than the history rejoins in a state fixed by stream positions alone.
@Suite struct CatchUpDeterminismTests {
    /// Member 1 is skipped for `skipped` bytes, then rejoins. With `background`, the test
    /// waits for the worker to bring the skipped member up to date every 16 bytes (the
    /// most the worker can do); without, the worker does not exist (the least).
    static func run(background: Bool, skipped: Int) -> (text: [UInt8], rejoined: [Float]) {
        let ensemble = TextEnsemble(models: [textModel(seed: 21), textModel(seed: 22)], seed: 5, threads: 1, backgroundCatchUp: background)
        ensemble.prime(Array("Hello".utf8))
        var out: [UInt8] = []
        for _ in 0..<10 { out.append(ensemble.step().byte) }
        ensemble.controls.update { $0.weights = [1, 0] }
        for t in 0..<skipped {
            out.append(ensemble.step().byte)
            if background, t % 16 == 15 { waitForWorker(ensemble, member: 1) }
        }
        ensemble.controls.update { $0.weights = [1, 1] }
        out.append(ensemble.step().byte)
        let rejoined = ensemble.distribution(of: 1)
        for _ in 0..<40 { out.append(ensemble.step().byte) }
        return (out, rejoined)
    }

    /// Waits (at most 10 s) until the worker has fed member `index` to the end of the stream.
    static func waitForWorker(_ ensemble: TextEnsemble, member index: Int) {
        let member = ensemble.members[index]
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, member.withLock({ member.position }) < ensemble.position { usleep(500) }
    }

    @Test(arguments: [40, TextEnsemble.historyLength + 44, 2 * TextEnsemble.historyLength + 7])
    func rejoiningMemberDoesNotDependOnTheWorker(skipped: Int) {
        let with = Self.run(background: true, skipped: skipped), without = Self.run(background: false, skipped: skipped)
        let difference = with.text.indices.first { $0 >= without.text.count || with.text[$0] != without.text[$0] }
        let sameState = with.rejoined == without.rejoined
        #expect(sameState, "the rejoining member's distribution depends on the worker")
        #expect(with.text.count == without.text.count && difference == nil, "the texts differ from byte \(difference ?? -1) on")
    }

    @Test func theRequiredStateDependsOnPositionsOnly() {
        let h = TextEnsemble.historyLength
        // Within the horizon: keep the state's origin (continuous catch-up).
        #expect(EnsembleMember<UInt8>.requiredOrigin(target: 300, lastJoined: 100, origin: 0, horizon: h) == 0)
        // Beyond it: the first block boundary the history still holds.
        #expect(EnsembleMember<UInt8>.requiredOrigin(target: 400, lastJoined: 100, origin: 0, horizon: h) == 256)
        #expect(EnsembleMember<UInt8>.requiredOrigin(target: 384, lastJoined: 100, origin: 0, horizon: h) == 128)
        for target in 300..<1200 {
            let origin = EnsembleMember<UInt8>.requiredOrigin(target: target, lastJoined: 0, origin: 0, horizon: h)
            #expect(origin >= target - h && origin <= target - h / 2 && origin % (h / 2) == 0)
        }
    }
}
