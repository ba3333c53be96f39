import BatonServer
import Foundation

/// What it costs to turn live events into WebSocket JSON (`LiveEvent.json`: the Codable
/// wire types and JSONEncoder), once per event whatever the number of clients.
enum EventEncodingBench {
    static func run(options: BenchOptions) {
        let models = 8
        let shares = (0..<models).map { Float($0 + 1) / Float(models * (models + 1) / 2) }
        let distribution = (0..<256).map { Float(1 + $0 % 7) / 1024 }
        let frame = DistributionFrame(frame: 42, symbol: 101, weights: shares, joint: distribution, models: Array(repeating: distribution, count: models))
        print("WebSocket event encoding (LiveEvent.json: Codable wire types, JSONEncoder), µs per event")
        var table = Table(header: ["event", "bytes", "p50 µs", "p99 µs", "events/s (one core)"])
        let cases: [(String, LiveEvent, Int)] = [
            ("symbol, 8 models", .symbol(text: "é", model: 3, shares: shares), options.quick ? 2000 : 20000),
            ("prediction, 3 values", .prediction(values: [0.25, 0.5, 0.75], dt: 0.021), options.quick ? 2000 : 20000),
            ("distributions, 8 models", .distributions(frame), options.quick ? 200 : 2000),
        ]
        for (name, event, count) in cases {
            var samples: [Double] = []
            samples.reserveCapacity(count)
            var bytes = 0
            for _ in 0..<count {
                let start = nowMicroseconds()
                bytes = event.json.utf8.count
                samples.append(nowMicroseconds() - start)
            }
            let p = Percentiles(samples)
            table.add([name, "\(bytes)", format(p.median, 1), format(p.p99, 1), format(1e6 / max(p.median, 0.001), 0)])
        }
        print(table.render())
        print()
    }
}
