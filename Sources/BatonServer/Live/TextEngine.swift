import BatonCore
import BatonEnsemble
import Dispatch
import Foundation

/// The text ensemble playing live on its own thread: steps at the set rate (or, in the
/// fastest mode, as fast as the models go), never above `maximumRate`; publishes each
/// completed character with its dominant model, and the distributions behind it at the
/// frame rate. Commands from any thread take effect before the next step; a prime is fed
/// in slices, so pause, reset and stop answer within a slice even during a long one.
public final class TextEngine: @unchecked Sendable {
    /// The ensemble it plays; step it only through the engine.
    public let ensemble: TextEnsemble
    /// The models' display names, in order.
    public let names: [String]
    /// The models' colours, in order.
    public let colours: [String]
    /// Symbols per second the engine never exceeds, in any mode (`--max-text-rate`).
    public let maximumRate: Double
    let hub: EventHub
    /// Each model's adaptation to the text the performer feeds.
    let adaptation: TextAdaptation

    struct State {
        var weights: [Float]
        var enabled: [Bool]
        var paused = false
        var rate: Double
        var fastest = false
        var frameRate: Double = 30
        var primeText = ""
        /// Raised by every prime and reset; the thread restarts when it differs from the last it served.
        var restarts = 1
        var priming = false
        var running = true
        var symbols = 0
        var symbolsPerSecond = 0.0
        /// Fed text the thread has not read yet (at most `feedBacklog` bytes).
        var feed: [UInt8] = []
    }
    let state: Locked<State>
    let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?

    /// `rate` 0 starts in the fastest mode (as `--rate 0` always did). `files` (one per model,
    /// when known) name where adapted models came from; `modelFolder` is where they are saved.
    public init(models: [Model], files: [String?] = [], modelFolder: String? = nil, hub: EventHub, rate: Double = 25,
                maximumRate: Double = LiveLimits.defaultMaximumTextRate, precision: WeightPrecision = .float32,
                seed: UInt64 = UInt64.random(in: 0...UInt64.max)) {
        precondition(!models.isEmpty, "TextEngine needs models")
        ensemble = TextEnsemble(models: models, precision: precision, seed: seed)
        adaptation = TextAdaptation(models: models, files: files, precision: precision, modelFolder: modelFolder)
        names = models.map(\.displayName)
        colours = models.enumerated().map { $1.colour ?? ModelStyle.palette[$0 % ModelStyle.palette.count] }
        self.hub = hub
        self.maximumRate = max(1, maximumRate)
        var initial = State(weights: [Float](repeating: 1, count: models.count), enabled: [Bool](repeating: true, count: models.count),
                            rate: rate > 0 ? min(rate, self.maximumRate) : 25)
        initial.fastest = rate == 0
        state = Locked(initial)
    }

    /// Starts the engine's thread ("baton.text"), which primes and plays until `stop()`.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "baton.text"
        thread.qualityOfService = .userInteractive
        self.thread = thread
        thread.start()
    }

    /// Stops the thread and waits for it to end.
    public func stop() {
        guard thread != nil else { return }
        state.withLock { $0.running = false }
        wake.signal()
        finished.wait()
        thread = nil
    }

    /// Applies a text command; throws for references to models that are not loaded.
    public func apply(_ command: LiveCommand) throws(CommandError) {
        let count = names.count
        func index(_ reference: ModelReference) throws(CommandError) -> Int {
            switch reference {
            case .index(let i):
                guard i >= 0, i < count else { throw CommandError("no text model \(i) (there are \(count))") }
                return i
            case .name(let name):
                guard let i = names.firstIndex(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                    throw CommandError("no text model named '\(name)' (loaded: \(names.joined(separator: ", ")))")
                }
                return i
            }
        }
        switch command {
        case .setWeights(let w):
            guard w.count == count else { throw CommandError("weights: \(count) weights needed (one per text model), got \(w.count)") }
            state.withLock { $0.weights = w }
        case .setWeight(let reference, let value):
            let i = try index(reference)
            state.withLock { $0.weights[i] = value }
        case .setActive(let models):
            var enabled = [Bool](repeating: false, count: count)
            for m in models { enabled[try index(.index(m))] = true }
            state.withLock { $0.enabled = enabled }
        case .setTemperature(let t): ensemble.controls.update { $0.temperature = t }
        case .setPooling(let p): ensemble.controls.update { $0.pooling = p }
        case .setThreshold(let t): ensemble.controls.update { $0.threshold = t }
        case .setLookahead(let l): ensemble.controls.update { $0.lookahead = l }
        case .prime(let text): state.withLock { $0.primeText = text; $0.restarts &+= 1; $0.feed = [] }
        case .reset: state.withLock { $0.restarts &+= 1; $0.feed = [] }
        case .feed(let text): try feed(Array(text.utf8))
        case .setModelAdaptation(let reference, let on): adaptation.setEnabled(try index(reference), on)
        case .setModelAdaptationRate(let reference, let rate): adaptation.setRate(try index(reference), rate)
        case .resetModelAdaptation(let reference): adaptation.reset(try index(reference))
        case .saveModelAdaptation(let reference): try adaptation.save(try index(reference))
        case .pause(let paused): state.withLock { $0.paused = paused }
        case .setRate(let r): state.withLock { $0.rate = min(r, maximumRate); $0.fastest = false }
        case .setFastest(let on): state.withLock { $0.fastest = on }
        case .setFrameRate(let r): state.withLock { $0.frameRate = r }
        default:
            return
        }
        pushWeights()
        wake.signal()
    }

    /// The weights the ensemble uses: the performer's, zero for models not picked.
    private func pushWeights() {
        let (weights, enabled) = state.withLock { ($0.weights, $0.enabled) }
        ensemble.controls.update { s in s.weights = zip(weights, enabled).map { $1 ? $0 : 0 } }
    }

    /// The engine's settings and counters as clients see them.
    public struct Status: Sendable, Encodable {
        /// Model names, in order.
        public var models: [String]
        /// Model colours, in order.
        public var colours: [String]
        /// The performer's weights, in order.
        public var weights: [Float]
        /// Which models play.
        public var active: [Bool]
        /// The sampling temperature.
        public var temperature: Float
        /// `linear` or `product`.
        public var pooling: String
        /// The skip threshold on normalised weights.
        public var threshold: Float
        /// [candidates, depth] when lookahead is on.
        public var lookahead: [Int]?
        /// Whether the stream is paused.
        public var paused: Bool
        /// The set rate (symbols/s), kept while the fastest mode is on.
        public var rate: Double
        /// Whether the engine runs as fast as the models go (up to `maximumRate`).
        public var fastest: Bool
        /// The server's ceiling in symbols per second.
        public var maximumRate: Double
        /// What the engine did over the last second.
        public var symbolsPerSecond: Double
        /// The models that write the next symbol (ticked, weight above 0, normalised weight
        /// at or above the threshold); empty when no model is writing and the text has stopped.
        public var writing: [Int]
        /// The weights as the engine uses them: ticked models' weights over their sum (what
        /// `threshold` is compared with); all 0 when no ticked model has a weight above 0.
        public var normalisedWeights: [Float]
        /// Distribution frames per second.
        public var frameRate: Double
        /// The text the stream last restarted from.
        public var prime: String
        /// Whether a prime is being fed now.
        public var priming: Bool
        /// Bytes generated since the engine started.
        public var symbols: Int
        /// Each model's adaptation to fed text, in order: on/off, rate, progress, surprise
        /// adapted vs the original model.
        var adaptation: [LiveAdaptation.Snapshot]
    }

    /// The settings and counters now.
    public var status: Status {
        let s = state.withLock { $0 }
        let settings = ensemble.controls.snapshot
        let silent = Self.isSilent(s)
        return Status(models: names, colours: colours, weights: s.weights, active: s.enabled, temperature: settings.temperature,
                      pooling: settings.pooling.rawValue, threshold: settings.threshold,
                      lookahead: settings.lookahead.map { [$0.candidates, $0.depth] }, paused: s.paused, rate: s.rate, fastest: s.fastest,
                      maximumRate: maximumRate, symbolsPerSecond: (s.symbolsPerSecond * 10).rounded() / 10,
                      writing: silent ? [] : settings.activeMembers().indices,
                      normalisedWeights: silent ? settings.weights.map { _ in 0 } : settings.normalisedWeights, frameRate: s.frameRate,
                      prime: s.primeText, priming: s.priming, symbols: s.symbols, adaptation: adaptation.snapshots)
    }

    /// No model is writing: none is ticked, or every ticked one has weight 0. The text then
    /// stops (rather than falling back to equal weights, which would let models the performer
    /// silenced write again).
    static func isSilent(_ s: State) -> Bool {
        !zip(s.weights, s.enabled).contains { $1 && $0 > 0 }
    }

    /// Nanoseconds between steps in the current mode.
    private static func interval(_ s: State, maximumRate: Double) -> UInt64 {
        Saturating.nanoseconds(1 / (s.fastest ? maximumRate : min(s.rate, maximumRate)))
    }

    private func run() {
        var assembler = UTF8Assembler()
        var served = 0
        var anchor = DispatchTime.now().uptimeNanoseconds
        var nextFrame = anchor
        var frame = 0
        var meter = RateMeter(start: anchor)
        pushWeights()
        while true {
            let s = state.withLock { $0 }
            guard s.running else { break }
            if s.restarts != served {
                served = s.restarts
                restart(from: s.primeText, request: served)
                assembler = UTF8Assembler()
                anchor = DispatchTime.now().uptimeNanoseconds
                continue
            }
            if !s.feed.isEmpty {
                // Read even while paused: a performer may pause, feed, and resume.
                read(state.withLock { s in defer { s.feed = [] }; return s.feed }, request: served)
                assembler = UTF8Assembler()
                continue
            }
            var now = DispatchTime.now().uptimeNanoseconds
            record(meter.update(symbols: s.symbols, now: now))
            if s.paused || Self.isSilent(s) {
                _ = wake.wait(timeout: .now() + .milliseconds(100))
                anchor = DispatchTime.now().uptimeNanoseconds
                continue
            }
            let due = Saturating.add(anchor, Self.interval(s, maximumRate: maximumRate))
            if due > now {
                // Woken early by a command: look at the state again; never step before time.
                _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: due))
                continue
            }
            adaptation.adoptAdaptedWeights(into: ensemble)
            let symbol = ensemble.step()
            let text = assembler.push(symbol.byte)
            if !text.isEmpty { hub.publish(.symbol(text: text, model: symbol.dominant, shares: symbol.shares)) }
            state.withLock { $0.symbols += 1 }
            now = DispatchTime.now().uptimeNanoseconds
            if s.frameRate > 0, now >= nextFrame {
                frame += 1
                hub.publish(.distributions(distributionFrame(frame, symbol: Int(symbol.byte))))
                nextFrame = Saturating.add(now, Saturating.nanoseconds(1 / s.frameRate))
            }
            // After a stall (a long lookahead step, a busy machine), carry on from now rather than burst.
            anchor = now > Saturating.add(due, 1_000_000_000) ? now : due
        }
        finished.signal()
    }

    private func record(_ rate: Double?) {
        if let rate { state.withLock { $0.symbolsPerSecond = rate } }
    }

    /// Primes the ensemble with `text`, announcing it in the stream. The prime is fed in
    /// slices; between slices a pause holds it, and a newer prime, a reset or stop ends it.
    private func restart(from text: String, request: Int) {
        hub.publish(.prime(text: text))
        state.withLock { $0.priming = true }
        ensemble.prime(Array(text.utf8)) { [self] in
            while true {
                let (running, restarts, paused) = state.withLock { ($0.running, $0.restarts, $0.paused) }
                if !running || restarts != request { return true }
                if !paused { return false }
                _ = wake.wait(timeout: .now() + .milliseconds(50))
            }
        }
        state.withLock { $0.priming = false }
    }

    private func distributionFrame(_ frame: Int, symbol: Int) -> DistributionFrame {
        let active = Set(ensemble.lastActive)
        var weights = [Float](repeating: 0, count: names.count)
        for (k, i) in ensemble.lastActive.enumerated() { weights[i] = ensemble.lastWeights[k] }
        return DistributionFrame(frame: frame, symbol: symbol, weights: weights, joint: ensemble.jointDistribution,
                                 models: names.indices.map { active.contains($0) ? ensemble.distribution(of: $0) : [] })
    }
}

/// Symbols per second over the last second or so, for the status readout.
struct RateMeter {
    private var windowStart: UInt64
    private var windowSymbols = 0

    init(start: UInt64) { windowStart = start }

    /// The rate when a window of at least a second has closed, nil otherwise.
    mutating func update(symbols: Int, now: UInt64) -> Double? {
        let elapsed = now &- windowStart
        guard now > windowStart, elapsed >= 1_000_000_000 else { return nil }
        let rate = Double(symbols - windowSymbols) / (Double(elapsed) / 1e9)
        windowStart = now
        windowSymbols = symbols
        return rate
    }
}
