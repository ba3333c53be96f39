@testable import BatonServer
import Foundation
import Synchronization
import Testing

/// The text a page shows when it connects mid-performance: runs by model, restarts, a
/// bound that holds however long the text runs, and no event lost between subscribing
/// and reading it.
struct RecentTextTests {
    @Test func symbolsFoldIntoRunsByModelAndRestartsAreKept() throws {
        let recent = RecentText(capacity: 100)
        for (text, model) in [("R", 0), ("O", 0), ("M", 1), ("é", 1), ("\n", 0)] {
            recent.record(.symbol(text: text, model: model, shares: []))
        }
        recent.record(.prime(text: "ROMEO:"))
        recent.record(.symbol(text: "a", model: 1, shares: []))
        recent.record(.status(try testSession().status))   // other events leave no trace
        #expect(recent.pieces == [.text("RO", model: 0), .text("Mé", model: 1), .text("\n", model: 0), .prime("ROMEO:"), .text("a", model: 1)])
        #expect(recent.json == #"{"pieces":[{"model":0,"text":"RO"},{"model":1,"text":"Mé"},{"model":0,"text":"\n"},{"prime":"ROMEO:"},{"model":1,"text":"a"}],"type":"recent"}"#)
    }

    /// Fed text is kept as the performer's, between the models' runs, and trimmed like them.
    @Test func fedTextIsKeptAsThePerformers() {
        let recent = RecentText(capacity: 10)
        recent.record(.symbol(text: "ab", model: 0, shares: []))
        recent.record(.fed(text: "Call me"))
        recent.record(.symbol(text: "c", model: 0, shares: []))
        #expect(recent.pieces == [.text("ab", model: 0), .fed("Call me"), .text("c", model: 0)])
        #expect(recent.json == #"{"pieces":[{"model":0,"text":"ab"},{"fed":"Call me"},{"model":0,"text":"c"}],"type":"recent"}"#)
        recent.record(.fed(text: String(repeating: "y", count: 40) + "Ishmael"))
        #expect(recent.pieces.last == .fed("yyyIshmael"))
    }

    @Test func theTextStaysWithinItsCapacityAndKeepsTheNewest() {
        let recent = RecentText(capacity: 50)
        var written = ""
        for k in 0..<10_000 {
            let symbol = k % 7 == 0 ? "ü" : String(UnicodeScalar(UInt8(97 + k % 26)))
            written += symbol
            recent.record(.symbol(text: symbol, model: (k / 13) % 3, shares: []))
            let kept = recent.pieces.reduce(0) { $0 + $1.characters }
            #expect(kept <= 50 + 50 / 4, "after \(k + 1) symbols \(kept) are kept")
        }
        let text = recent.pieces.map { if case .text(let t, _) = $0 { t } else { "" } }.joined()
        #expect(text.unicodeScalars.count >= 50 && written.hasSuffix(text))
        // A prime longer than the capacity keeps its end.
        recent.record(.prime(text: String(repeating: "x", count: 500) + "THE END"))
        guard case .prime(let prime)? = recent.pieces.last else { Issue.record("no prime kept"); return }
        #expect(prime.unicodeScalars.count == 50 && prime.hasSuffix("THE END"))
    }

    @Test func aSubscriberMissesNothingBetweenTheSnapshotAndTheStream() async throws {
        let hub = EventHub()
        let recent = RecentText(capacity: 1_000_000)
        _ = hub.listen { recent.record($0) }
        let stop = Atomic<Bool>(false)
        let written = Atomic<Int>(0)
        let writer = Thread {
            var k = 0
            while !stop.load(ordering: .acquiring) {
                hub.publish(.symbol(text: String(k % 10), model: 0, shares: []))
                k += 1
            }
            written.store(k, ordering: .releasing)
            hub.publish(.prime(text: "END"))
        }
        writer.start()
        try await Task.sleep(for: .milliseconds(5))
        let (_, events) = hub.subscribe(buffer: 10_000_000)
        let snapshot = recent.pieces.map { if case .text(let t, _) = $0 { t } else { "" } }.joined()
        try await Task.sleep(for: .milliseconds(20))
        stop.store(true, ordering: .releasing)
        var streamed = ""
        for await published in events {
            if case .symbol(let text, _, _) = published.event { streamed += text } else if case .prime = published.event { break }
        }
        let all = (0..<written.load(ordering: .acquiring)).map { String($0 % 10) }.joined()
        // The snapshot, then the stream from where the snapshot ends (a symbol may arrive in
        // both): together they are the whole text, with no gap.
        #expect(all.hasPrefix(snapshot) && all.hasSuffix(streamed))
        #expect(snapshot.count + streamed.count >= all.count, "\(snapshot.count) + \(streamed.count) of \(all.count): a gap")
    }
}
