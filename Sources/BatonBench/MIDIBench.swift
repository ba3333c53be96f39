import BatonCore
import BatonMIDI
import BatonTraining
import Foundation
import Synchronization

/// MIDI in → MIDI out through `baton serve --impsy-config` in filter mode (IMPSY's
/// polyphony, timescale 0): a controller plays notes into a JACK MIDI graph (jackd's dummy
/// backend, 48 kHz, 16-frame periods = 0.33 ms), Baton answers each one, a synth port
/// timestamps the answer. The same graph's floor — controller straight to synth, no Baton —
/// is measured beside it, so what Baton adds is the difference.
enum MIDIBench {
    static let period = 16, rate = 48_000

    static func run(options: BenchOptions) {
        let baton = Paths.root.appendingPathComponent(".build/release/baton").path
        guard FileManager.default.isExecutableFile(atPath: baton) else { print("MIDI: \(baton) not built, skipped\n"); return }
        guard let jackd = ["/usr/bin/jackd", "/usr/local/bin/jackd"].first(where: FileManager.default.isExecutableFile) else {
            print("MIDI: jackd is not installed (Debian jackd2), skipped\n")
            return
        }
        let name = "baton-bench-\(getpid())"
        let jack = Process()
        jack.executableURL = URL(fileURLWithPath: jackd)
        jack.arguments = ["--no-realtime", "--sync", "-n", name, "-d", "dummy", "-r", "\(rate)", "-p", "\(period)"]
        jack.standardOutput = FileHandle.nullDevice
        jack.standardError = FileHandle.nullDevice
        guard (try? jack.run()) != nil else { print("MIDI: cannot start jackd, skipped\n"); return }
        defer { jack.terminate(); jack.waitUntilExit() }
        setenv("JACK_DEFAULT_SERVER", name, 1)
        var backend: RtMidiBackend?
        for _ in 0..<50 where backend == nil {
            usleep(200_000)
            backend = try? RtMidiBackend(api: .jack, clientName: "bench")
        }
        guard let backend else { print("MIDI: jackd did not answer, skipped\n"); return }

        let arrivals = Arrivals()
        guard let controller = try? backend.openOutput(.virtual("S-1 ctl")),
              let synth = try? backend.openInput(.virtual("S-1 synth"), receive: { bytes, time in
                  if bytes.count == 3, bytes[0] & 0xF0 == 0x90, bytes[2] > 0 { arrivals.times.withLock { $0.append(time) } }
              }) else { print("MIDI: cannot open the bench's ports, skipped\n"); return }
        defer { controller.close(); synth.close() }

        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
        print("MIDI in → MIDI out (µs): baton serve --impsy-config, polyphony (= filter), timescale 0; JACK dummy backend (--sync), \(period)-frame periods (\(format(Double(period) / Double(rate) * 1e6, 0)) µs); load average \(load)")
        var table = Table(header: ["path", "input rate", "notes", "answered", "p50", "p99", "max"])
        // The floor: the controller's notes straight into the synth port through JACK.
        if let direct = try? backend.openOutput(.system(jackName(backend, containing: "S-1 synth", outputs: true) ?? "")) {
            usleep(300_000)
            for rate in [100.0, 1000] { measure(label: "JACK alone", send: direct, arrivals: arrivals, rate: rate, count: options.quick ? 300 : 1000, into: &table) }
            direct.close()
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-midi-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: folder.appendingPathComponent("configs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("configs/bench.toml").path
        let model = Paths.shared("fixtures/impsy/musicMDRNN-dim4-layers2-units64-mixtures5-scale10.h5")
        try? """
        verbose = false
        log_predictions = false
        [interaction]
        mode = "polyphony"
        threshold = 0.1
        input_thru = false
        [model]
        dimension = 4
        file = "\(model)"
        size = "s"
        sigmatemp = 0.01
        pitemp = 1
        timescale = 0
        [midi]
        in_device = ["S-1 ctl"]
        out_device = ["S-1 synth"]
        input."S-1 ctl" = [["note_on", 1], ["control_change", 1, 1], ["control_change", 1, 2]]
        output."S-1 synth" = [["note_on", 1], ["control_change", 1, 1], ["control_change", 1, 2]]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        guard let server = ServerProcess(baton: baton, arguments: ["--impsy-config", config, "--workspace", folder.appendingPathComponent("ws").path,
                                                                 "--osc-send", "127.0.0.1:9"]) else { return }
        defer { server.stop() }
        usleep(2_500_000)  // the rig connects on its first rescan
        for rate in [10.0, 100, 1000] {
            let count = options.quick ? Int(rate * 1) : Int(min(rate * 3, 3000))
            measure(label: "Baton", send: controller, arrivals: arrivals, rate: rate, count: count, into: &table)
        }
        print(table.render())
        print("IMPSY publishes no MIDI-to-MIDI figure; its prediction step alone is 4.96 ms (Keras) or 0.17 ms (TFLite) (see the MDN section above)")
        print()
    }

    /// The full JACK name of the bench's own port holding `fragment`.
    static func jackName(_ backend: RtMidiBackend, containing fragment: String, outputs: Bool) -> String? {
        ((try? outputs ? backend.outputNames() : backend.inputNames()) ?? []).first { $0.contains(fragment) }
    }

    static func measure(label: String, send: any MIDIOutputConnection, arrivals: Arrivals, rate: Double, count: Int, into table: inout Table) {
        arrivals.times.withLock { $0.removeAll() }
        var sent: [UInt64] = []
        sent.reserveCapacity(count)
        let interval = UInt64(1e9 / rate)
        var next = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count {
            while DispatchTime.now().uptimeNanoseconds < next { usleep(50) }
            sent.append(DispatchTime.now().uptimeNanoseconds)
            try? send.send([0x90, UInt8(36 + i % 60), 100])
            next += interval
        }
        let deadline = Date().addingTimeInterval(1)
        while Date() < deadline, arrivals.times.withLock({ $0.count }) < count { usleep(1000) }
        let got = arrivals.times.withLock { $0 }
        let latencies = zip(sent, got).map { Double($1 &- $0) / 1000 }
        let p = Percentiles(latencies.isEmpty ? [0] : latencies)
        table.add([label, "\(Int(rate))/s", "\(count)", "\(got.count)", format(p.median, 0), format(p.p99, 0), format(latencies.max() ?? 0, 0)])
    }
}

/// Arrival times of the synth's note-ons, written on the MIDI thread.
final class Arrivals: Sendable {
    let times = Mutex<[UInt64]>([])
}
