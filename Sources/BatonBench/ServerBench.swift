import BatonCore
import BatonTraining
import Foundation

/// The live server end to end, as a performer's software sees it: `baton serve` in its own
/// process, OSC over loopback UDP from this process.
enum ServerBench {
    /// `only: "adapt"` runs the adaptation off/on comparison alone (`baton-bench adapt`).
    static func run(options: BenchOptions, peer: TorchPeer?, only: String? = nil) {
        let baton = Paths.root.appendingPathComponent(".build/release/baton").path
        guard FileManager.default.isExecutableFile(atPath: baton) else { print("server: \(baton) not built, skipped\n"); return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = SeededGenerator(seed: 4)
        var control = Model.initialised(ModelConfig(kind: .control, inputSize: 4, layers: 2, units: 64, head: .mixtureDensity(dims: 4, mixtures: 5, sigma: .elu)), using: &rng)
        control.normalisation = Normalisation(offset: [0.05, 0.5, 0.5, 0.5], scale: [0.05, 0.3, 0.3, 0.3])
        var text = Model.initialised(.text(layers: 2, units: 256), using: &rng)
        text.metadata[MetadataKey.name] = "m text"
        let controlPath = folder.appendingPathComponent("control.safetensors").path, textPath = folder.appendingPathComponent("text.safetensors").path
        try? control.save(to: controlPath)
        try? text.save(to: textPath)
        if only == "adapt" { ServerAdaptationBench.run(baton: baton, model: controlPath, folder: folder, options: options); return }

        print("Live server: /interface → /prediction in filter mode (timescale 0), end to end over loopback UDP (µs)")
        var table = Table(header: ["input rate", "events", "answered", "p50", "p99", "max"])
        guard let (server, sender, receiver) = answeringServer(baton: baton, model: controlPath, workspace: folder.appendingPathComponent("ws")) else { return }
        defer { server.stop() }
        for rate in [10.0, 100, 1000] {
            let count = options.quick ? Int(rate) : Int(rate * 3)
            let (latencies, answered) = latency(sender: sender, receiver: receiver, port: server.oscPort, rate: rate, count: min(count, 3000))
            let p = Percentiles(latencies.isEmpty ? [0] : latencies)
            table.add(["\(Int(rate))/s", "\(min(count, 3000))", "\(answered)", format(p.median, 0), format(p.p99, 0), format(latencies.max() ?? 0, 0)])
        }
        print(table.render())
        print()
        server.stop()
        ServerAdaptationBench.run(baton: baton, model: controlPath, folder: folder, options: options)
        logThroughput(baton: baton, model: controlPath, folder: folder, options: options)
        EventEncodingBench.run(options: options)
        webSocketFanOut(baton: baton, model: textPath, folder: folder, options: options, peer: peer)
    }

    /// `baton serve` in filter mode at timescale 0 (each performer event answered at once),
    /// sending its predictions to `receiver`; `sender` plays the performer.
    static func answeringServer(baton: String, model: String, workspace: URL) -> (server: ServerProcess, sender: UDPEndpoint, receiver: UDPEndpoint)? {
        let receiver = UDPEndpoint()
        guard let server = ServerProcess(baton: baton, arguments: [model, "--mode", "filter", "--osc-send", "127.0.0.1:\(receiver.port)",
                                                                 "--workspace", workspace.path]) else { return nil }
        let sender = UDPEndpoint()
        sender.send(address: "/baton/instrument/timescale", floats: [0], to: server.oscPort)
        usleep(200_000)
        receiver.drain()
        return (server, sender, receiver)
    }

    static func latency(sender: UDPEndpoint, receiver: UDPEndpoint, port: Int, rate: Double, count: Int) -> ([Double], Int) {
        var sent = [Double](repeating: 0, count: count)
        var arrivals: [Double] = []
        let interval = 1e6 / rate
        let start = nowMicroseconds()
        var next = start
        for i in 0..<count {
            while nowMicroseconds() < next {
                if let t = receiver.receive(timeoutMicroseconds: Int(max(1, next - nowMicroseconds()))) { arrivals.append(t) }
            }
            sent[i] = nowMicroseconds()
            sender.send(address: "/interface", floats: [0.5, 0.4, Float(i % 100) / 100], to: port)
            next += interval
        }
        let deadline = nowMicroseconds() + 500_000
        while arrivals.count < count, nowMicroseconds() < deadline {
            if let t = receiver.receive(timeoutMicroseconds: 10_000) { arrivals.append(t) }
        }
        let latencies = zip(sent, arrivals).map { $1 - $0 }
        return (latencies, arrivals.count)
    }

    /// The highest rate of performer events whose every line reaches the session log.
    static func logThroughput(baton: String, model: String, folder: URL, options: BenchOptions) {
        print("Session log: performer events in, lines written (mode none)")
        var table = Table(header: ["rate", "sent", "logged", "lost"])
        for rate in options.quick ? [1000.0, 10_000] : [1000.0, 5000, 10_000, 20_000, 50_000] {
            let ws = folder.appendingPathComponent("log-\(Int(rate))").path
            guard let server = ServerProcess(baton: baton, arguments: [model, "--mode", "none", "--workspace", ws, "--osc-send", "127.0.0.1:9"]) else { return }
            let sender = UDPEndpoint()
            let count = Int(rate * 2)
            let interval = 1e6 / rate
            var next = nowMicroseconds()
            for i in 0..<count {
                while nowMicroseconds() < next {}
                sender.send(address: "/interface", floats: [Float(i % 100) / 100, 0.5, 0.5], to: server.oscPort)
                next += interval
            }
            usleep(500_000)
            server.stop()
            let lines = server.logPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }?.split(separator: "\n").count ?? 0
            table.add(["\(Int(rate))/s", "\(count)", "\(lines)", "\(count - lines)"])
        }
        print(table.render())
        print()
    }

    /// Text symbols per second each of 8 WebSocket clients receives, generation uncapped.
    static func webSocketFanOut(baton: String, model: String, folder: URL, options: BenchOptions, peer: TorchPeer?) {
        guard let peer else { print("WebSocket fan-out: needs python3 with websockets, skipped\n"); return }
        // The fastest mode, with the server's ceiling lifted so the clients, not the cap, set the pace.
        guard let server = ServerProcess(baton: baton, arguments: [model, "--rate", "0", "--max-text-rate", "100000", "--workspace", folder.appendingPathComponent("ws8").path,
                                                                 "--osc-send", "127.0.0.1:9"]) else { return }
        defer { server.stop() }
        let script = Paths.root.appendingPathComponent("bench/peers/ws_clients.py").path
        guard let out = try? TorchPeer.run(peer.python, [script, "--url", "ws://\(server.http)/ws", "--clients", "8", "--seconds", options.quick ? "3" : "6"]),
              let line = out.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let rates = object["per_client_symbols_per_second"] as? [Double] else { print("WebSocket fan-out: clients failed\n"); return }
        print("Text delivered to 8 WebSocket clients at once (m-size model, rate uncapped): symbols/s per client")
        print("min \(format(rates.min() ?? 0, 0))  median \(format(rates.sorted()[rates.count / 2], 0))  max \(format(rates.max() ?? 0, 0))")
        print()
    }
}
