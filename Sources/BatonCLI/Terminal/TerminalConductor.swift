import BatonCore
import BatonEnsemble
import Foundation
import Synchronization

/// The terminal conductor: an ensemble generating on its own thread while the keyboard
/// moves its weights, with a live bar per model (weight, and confidence of its
/// distribution = 1 − entropy / log 256) above the coloured text.
final class TerminalConductor: @unchecked Sendable {
    let ensemble: TextEnsemble
    let names: [String]
    let colours: [String]
    let rate: Double
    /// MIDI control and learn, when a controller is attached (--midi-in).
    let midi: EnsembleMIDI?

    /// What the generator thread shares with the screen.
    struct Shared {
        var text: [(String, Int)] = []
        var confidence: [Float]
        var symbols = 0
        var paused = false
        var quit = false
        var resetRequested = false
    }
    private let shared: Mutex<Shared>
    private var selected = 0
    private var primeText: String

    init(ensemble: TextEnsemble, names: [String], colours: [String?], prime: String, rate: Double = 40, midi: EnsembleMIDI? = nil) {
        self.ensemble = ensemble
        self.midi = midi
        self.names = names
        self.colours = colours.enumerated().map { $1 ?? ModelStyle.palette[$0 % ModelStyle.palette.count] }
        self.rate = rate
        primeText = prime
        shared = Mutex(Shared(confidence: [Float](repeating: 0, count: names.count)))
        if !prime.isEmpty { shared.withLock { $0.text.append((prime, -1)) } }
    }

    func run() throws {
        let terminal = try RawTerminal()
        defer { terminal.restore() }
        let generator = Thread { [self] in generate() }
        generator.start()
        var lastDraw = Date.distantPast
        while !shared.withLock({ $0.quit }) {
            for key in terminal.readKeys(timeout: 1.0 / 30) { handle(key) }
            if Date().timeIntervalSince(lastDraw) >= 1.0 / 30 {
                draw(size: terminal.size)
                lastDraw = Date()
            }
        }
    }

    /// Steps the ensemble at `rate` symbols per second until asked to quit.
    private func generate() {
        var assembler = UTF8Assembler()
        let start = Date()
        var produced = 0
        while true {
            let (quit, paused, reset) = shared.withLock { s -> (Bool, Bool, Bool) in
                let r = (s.quit, s.paused, s.resetRequested)
                s.resetRequested = false
                return r
            }
            if quit { return }
            if reset {
                ensemble.prime(Array(primeText.utf8))
                shared.withLock { $0.text = [("\n— reset —\n", -1)] }
            }
            if paused { Thread.sleep(forTimeInterval: 0.02); continue }
            let symbol = ensemble.step()
            let character = assembler.push(symbol.byte)
            let confidence = names.indices.map { i -> Float in
                guard ensemble.lastActive.contains(i) else { return 0 }
                let p = ensemble.distribution(of: i)
                let entropy = p.reduce(Float(0)) { $0 - ($1 > 0 ? $1 * Foundation.log($1) : 0) }
                return max(0, 1 - entropy / Foundation.log(256))
            }
            shared.withLock { s in
                if !character.isEmpty { s.text.append((character, symbol.dominant)) }
                if s.text.count > 6000 { s.text.removeFirst(2000) }
                s.confidence = confidence
                s.symbols += 1
            }
            produced += 1
            let due = start.addingTimeInterval(Double(produced) / rate)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
    }

    private func handle(_ key: RawTerminal.Key) {
        let count = names.count
        if let midi, midi.learning {
            // While learning, the keys name what the last controller moved should drive.
            switch key {
            case .character("m"): midi.toggleLearning(); return
            case .character("t"), .character("T"): if midi.learn(.temperature) { return }
            case .character("p"): if midi.learn(.pooling) { return }
            case .character(let c) where c.isNumber && c != "0":
                if let n = Int(String(c)), n <= count, midi.learn(.weight(index: n - 1)) { return }
            default: break
            }
        }
        switch key {
        case .character("m"): midi?.toggleLearning()
        case .character("q"), .escape: shared.withLock { $0.quit = true }
        case .character(" "): shared.withLock { $0.paused.toggle() }
        case .character("r"): shared.withLock { $0.resetRequested = true }
        case .character("p"): ensemble.controls.update { $0.pooling = $0.pooling == .linear ? .product : .linear }
        case .character("l"): ensemble.controls.update { $0.lookahead = $0.lookahead == nil ? Lookahead(candidates: 4, depth: 6) : nil }
        case .character("t"): ensemble.controls.update { $0.temperature = max(0.1, $0.temperature - 0.1) }
        case .character("T"): ensemble.controls.update { $0.temperature = min(3, $0.temperature + 0.1) }
        case .character("0"): ensemble.controls.update { $0.weights = [Float](repeating: 1, count: count) }
        case .character(let c) where c.isNumber:
            let n = Int(String(c))! - 1
            if n >= 0, n < count {
                selected = n
                ensemble.controls.update { s in s.weights = (0..<count).map { $0 == n ? 1 : 0 } }
            }
        case .left: selected = (selected + count - 1) % count
        case .right: selected = (selected + 1) % count
        case .up: moveWeight(by: 0.1)
        case .down: moveWeight(by: -0.1)
        default: break
        }
    }

    /// Moves `amount` of normalised weight to (or from) the selected model, taking it from
    /// (or giving it to) the others in proportion.
    private func moveWeight(by amount: Float) {
        let i = selected
        ensemble.controls.update { s in
            var w = s.normalisedWeights
            let target = min(1, max(0, w[i] + amount))
            let othersBefore = 1 - w[i], othersAfter = 1 - target
            for j in w.indices where j != i {
                w[j] = othersBefore > 0 ? w[j] * othersAfter / othersBefore : othersAfter / Float(w.count - 1)
            }
            w[i] = target
            s.weights = w
        }
    }

    private func draw(size: (columns: Int, rows: Int)) {
        let settings = ensemble.controls.snapshot
        let weights = settings.normalisedWeights
        let state = shared.withLock { $0 }
        let width = size.columns
        let nameWidth = min(24, names.map(\.count).max() ?? 8)
        let barWidth = max(4, (width - nameWidth - 47) / 2)
        func bar(_ value: Float) -> String {
            let filled = Int((value * Float(barWidth)).rounded())
            return String(repeating: "█", count: max(0, min(barWidth, filled))) + String(repeating: "·", count: max(0, barWidth - filled))
        }
        let keys = "1–9 solo · ←→ pick · ↑↓ weight · 0 even · p pooling · l lookahead · t/T temp · space pause · r reset · q quit" + (midi == nil ? "" : " · m MIDI learn")
        var screen = "\u{1B}[H\u{1B}[0m\u{1B}[1mBaton — terminal conductor\u{1B}[0m\u{1B}[K\n\u{1B}[2m\(String(keys.prefix(width)))\u{1B}[0m\u{1B}[K\n"
        for (i, name) in names.enumerated() {
            let marker = i == selected ? "▶" : " "
            let skipped = weights[i] < settings.threshold ? " (skipped)" : ""
            let label = String(name.prefix(nameWidth)).padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            screen += "\(marker) \(i + 1) \(TextPainter.escape(colours[i]))\(label)\u{1B}[0m weight \(TextPainter.escape(colours[i]))\(bar(weights[i]))\u{1B}[0m \(String(format: "%.2f", weights[i]))  confidence \(bar(state.confidence[i])) \(String(format: "%.2f", state.confidence[i]))\(skipped)\u{1B}[K\n"
        }
        let lookahead = settings.lookahead.map { "\($0.candidates)×\($0.depth)" } ?? "off"
        screen += "pooling \(settings.pooling.rawValue) · temperature \(String(format: "%.1f", settings.temperature)) · lookahead \(lookahead) · \(state.symbols) bytes\(state.paused ? " · PAUSED" : "")\u{1B}[K\n"
        if let midi { screen += String(midi.summary.prefix(width)) + "\u{1B}[K\n" }
        screen += String(repeating: "─", count: width) + "\n"
        // The text, wrapped to the width; the last lines that fit.
        let textRows = max(1, size.rows - names.count - 5 - (midi == nil ? 0 : 1))
        var lines: [[(Character, Int)]] = [[]]
        for (piece, owner) in state.text {
            for ch in piece {
                if ch == "\n" { lines.append([]); continue }
                if lines[lines.count - 1].count >= width { lines.append([]) }
                lines[lines.count - 1].append((ch, owner))
            }
        }
        for line in lines.suffix(textRows) {
            var current = -2
            for (ch, owner) in line {
                if owner != current {
                    current = owner
                    screen += owner >= 0 ? TextPainter.escape(colours[owner]) : "\u{1B}[0m"
                }
                screen.append(ch)
            }
            screen += "\u{1B}[0m\u{1B}[K\n"
        }
        screen += "\u{1B}[J"
        Terminal.write(screen)
    }
}
