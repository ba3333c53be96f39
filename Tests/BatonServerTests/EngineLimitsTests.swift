import BatonCore
@testable import BatonServer
import Foundation
import Testing

/// The caps the engines keep whatever clients ask: symbols and predictions per second,
/// and a prime that cannot hold the engine.
@Suite(.serialized) struct EngineLimitsTests {
    static func textModels() -> [Model] {
        var rng = SeededGenerator(seed: 3)
        return (0..<2).map { _ in Model.initialised(.text(layers: 1, units: 8), using: &rng) }
    }

    @Test func theFastestModeStaysUnderTheCeiling() async throws {
        let engine = TextEngine(models: Self.textModels(), hub: EventHub(), rate: 0, maximumRate: 40, seed: 1)
        #expect(engine.status.fastest)
        engine.start()
        let start = Date()
        try await Task.sleep(for: .milliseconds(1500))
        let symbols = engine.status.symbols, elapsed = Date().timeIntervalSince(start)
        engine.stop()
        #expect(symbols > 0 && Double(symbols) <= 40 * elapsed + 2, "\(symbols) symbols in \(elapsed) s")
    }

    @Test func aFloodOfCommandsDoesNotSpeedTheTextUp() async throws {
        let engine = TextEngine(models: Self.textModels(), hub: EventHub(), rate: 5, seed: 1)
        engine.start()
        let start = Date()
        for i in 0..<2000 {
            try engine.apply(.setTemperature(0.5 + Float(i % 10) / 10))
            if i % 100 == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        let symbols = engine.status.symbols, elapsed = Date().timeIntervalSince(start)
        engine.stop()
        #expect(Double(symbols) <= 5 * elapsed + 2, "\(symbols) symbols in \(elapsed) s at 5/s")
    }

    @Test func primesAreAnnouncedAndAResetEndsALongOne() async throws {
        let hub = EventHub()
        let (_, events) = hub.subscribe(buffer: 4096)
        let engine = TextEngine(models: Self.textModels(), hub: hub, rate: 200, seed: 1)
        engine.start()
        let long = String(repeating: "All the world's a stage. ", count: 160)  // 4,000 bytes
        try engine.apply(.prime(long))
        try engine.apply(.reset)
        try engine.apply(.prime(""))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, engine.status.symbols < 5 { try await Task.sleep(for: .milliseconds(20)) }
        engine.stop()
        hub.finishAll()
        var primes: [String] = [], symbolsAfterLastPrime = 0
        for await published in events {
            switch published.event {
            case .prime(let text): primes.append(text); symbolsAfterLastPrime = 0
            case .symbol: symbolsAfterLastPrime += 1
            default: break
            }
        }
        #expect(primes.first == "" && primes.last == "", "the start and the empty prime restart from nothing: \(primes.map(\.count))")
        #expect(symbolsAfterLastPrime > 0)
        #expect(engine.status.prime == "" && !engine.status.priming)
    }

    @Test func pauseHoldsAPrimeAndStopEndsIt() async throws {
        let engine = TextEngine(models: Self.textModels(), hub: EventHub(), rate: 200, seed: 1)
        engine.start()
        try engine.apply(.pause(true))
        try engine.apply(.prime(String(repeating: "x", count: 4096)))
        try await Task.sleep(for: .milliseconds(300))
        #expect(engine.status.symbols == 0, "paused: nothing generated")
        let start = Date()
        engine.stop()
        #expect(Date().timeIntervalSince(start) < 5, "stop answers during a held prime")
    }

    @Test func predictionsStayUnderTheCapAtTimescaleZero() async throws {
        let hub = EventHub()
        let engine = try InstrumentEngine(model: instrumentModel(), hub: hub, mode: .battle, logFolder: nil, seed: 4)
        try engine.apply(.setTimescale(0))
        engine.start()
        let start = Date()
        try await Task.sleep(for: .milliseconds(1500))
        let predictions = engine.status.predictions, elapsed = Date().timeIntervalSince(start)
        engine.stop()
        #expect(predictions > 0)
        #expect(Double(predictions) <= LiveLimits.predictionRate * elapsed + LiveLimits.predictionBurst, "\(predictions) in \(elapsed) s")
    }

    @Test func tokenBucketRefillsAtItsRate() {
        var bucket = TokenBucket(rate: 1000, burst: 4, now: 0)
        #expect((0..<4).allSatisfy { _ in bucket.take(now: 0) } && !bucket.take(now: 0))
        #expect(bucket.available(now: 0) == 1_000_000)
        #expect(!bucket.take(now: 999_000) && bucket.take(now: 1_000_000))
        #expect(Saturating.nanoseconds(1e30) == Saturating.maximumNanoseconds && Saturating.nanoseconds(.nan) == 0)
        #expect(Saturating.add(.max - 1, 10) == .max)
    }
}
