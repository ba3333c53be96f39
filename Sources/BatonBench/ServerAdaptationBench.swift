import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The instrument's prediction latency with live adaptation off and on, side by side
/// (issue 12: p99 within 2 ms at 1,000 performer events/s). One server, filter mode,
/// timescale 0; rounds alternate off/on so a load change on the shared machine hits both.
/// The status after each "on" round shows the background really learnt (updates, skipped
/// segments), so the comparison cannot pass with adaptation idle.
enum ServerAdaptationBench {
    static func run(baton: String, model: String, folder: URL, options: BenchOptions) {
        let rate = 1000.0, rounds = options.quick ? 1 : 2, count = options.quick ? 1000 : 3000
        guard let (server, sender, receiver) = ServerBench.answeringServer(baton: baton, model: model, workspace: folder.appendingPathComponent("ws-adapt")) else { return }
        defer { server.stop() }
        var off: [Double] = [], on: [Double] = [], answeredOff = 0, answeredOn = 0
        for _ in 0..<rounds {
            for adapting in [false, true] {
                sender.send(address: "/baton/instrument/adapt", floats: [adapting ? 1 : 0], to: server.oscPort)
                usleep(100_000)
                receiver.drain()
                let (latencies, answered) = ServerBench.latency(sender: sender, receiver: receiver, port: server.oscPort, rate: rate, count: count)
                if adapting { on += latencies; answeredOn += answered } else { off += latencies; answeredOff += answered }
            }
        }
        let adaptation = status(http: server.http)?["adaptation"] as? [String: Any]
        let updates = adaptation?["updates"] as? Int ?? 0, skipped = adaptation?["skippedSegments"] as? Int ?? 0
        print("Live adaptation: /interface → /prediction at \(Int(rate)) events/s, filter mode, timescale 0 (µs), off and on alternately")
        var table = Table(header: ["adaptation", "events", "answered", "p50", "p99", "max"])
        for (name, latencies, answered) in [("off", off, answeredOff), ("on", on, answeredOn)] {
            let p = Percentiles(latencies.isEmpty ? [0] : latencies)
            table.add([name, "\(rounds * count)", "\(answered)", format(p.median, 0), format(p.p99, 0), format(latencies.max() ?? 0, 0)])
        }
        print(table.render())
        print("while on: \(updates) updates of the 2×64 model, \(skipped) segments skipped (background busy)")
        print()
    }

    /// `GET /api/status` as JSON, nil when the server does not answer.
    static func status(http: String) -> [String: Any]? {
        guard let url = URL(string: "http://\(http)/api/status"), let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["instrument"] as? [String: Any] ?? object
    }
}
