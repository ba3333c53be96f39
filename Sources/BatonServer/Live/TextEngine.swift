import BatonCore
import BatonEnsemble
import Dispatch
import Foundation
import Synchronization

/// The text ensemble playing live on its own thread: steps at the rate cap, publishes
/// each completed character with its dominant model, and the distributions behind it at
/// the frame rate. Commands from any thread take effect before the next step.
public final class TextEngine: @unchecked Sendable {
    public let ensemble: TextEnsemble
    public let names: [String]
    public let colours: [String]
    let hub: EventHub

    struct State {
        var weights: [Float]
        var enabled: [Bool]
        var paused = false
        var rate: Double
        var frameRate: Double = 30
        var primeText = ""
        var restart = true
        var running = true
        var symbols = 0
    }
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?

    public init(models: [Model], hub: EventHub, rate: Double = 25, precision: WeightPrecision = .float32,
                seed: UInt64 = UInt64.random(in: 0...UInt64.max)) {
        precondition(!models.isEmpty, "TextEngine needs models")
        ensemble = TextEnsemble(models: models, precision: precision, seed: seed)
        names = models.map(\.displayName)
        colours = models.enumerated().map { $1.colour ?? ModelStyle.palette[$0 % ModelStyle.palette.count] }
        self.hub = hub
        state = Mutex(State(weights: [Float](repeating: 1, count: models.count), enabled: [Bool](repeating: true, count: models.count), rate: rate))
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "baton.text"
        thread.qualityOfService = .userInteractive
        self.thread = thread
        thread.start()
    }

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
            guard w.count == count else { throw CommandError("/baton/weights needs \(count) weights, got \(w.count)") }
            guard w.allSatisfy({ $0 >= 0 }) else { throw CommandError("weights must be ≥ 0") }
            state.withLock { $0.weights = w }
        case .setWeight(let reference, let value):
            let i = try index(reference)
            guard value >= 0 else { throw CommandError("weights must be ≥ 0") }
            state.withLock { $0.weights[i] = value }
        case .setActive(let models):
            var enabled = [Bool](repeating: false, count: count)
            for m in models {
                guard m >= 0, m < count else { throw CommandError("no text model \(m)") }
                enabled[m] = true
            }
            state.withLock { $0.enabled = enabled }
        case .setTemperature(let t):
            guard Temperature.isValid(t) else { throw CommandError("temperature must be a finite number > 0") }
            ensemble.controls.update { $0.temperature = t }
        case .setPooling(let p): ensemble.controls.update { $0.pooling = p }
        case .setThreshold(let t):
            guard t >= 0, t < 1 else { throw CommandError("threshold must be in [0, 1)") }
            ensemble.controls.update { $0.threshold = t }
        case .setLookahead(let l): ensemble.controls.update { $0.lookahead = l }
        case .prime(let text): state.withLock { $0.primeText = text; $0.restart = true }
        case .reset: state.withLock { $0.restart = true }
        case .pause(let paused): state.withLock { $0.paused = paused }
        case .setRate(let r):
            guard r >= 0 else { throw CommandError("rate must be ≥ 0") }
            state.withLock { $0.rate = r }
        case .setFrameRate(let r):
            guard r >= 0, r <= 240 else { throw CommandError("frame rate must be in [0, 240]") }
            state.withLock { $0.frameRate = r }
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

    public struct Status: Sendable, Encodable {
        public var models: [String]
        public var colours: [String]
        public var weights: [Float]
        public var active: [Bool]
        public var temperature: Float
        public var pooling: String
        public var threshold: Float
        public var lookahead: [Int]?
        public var paused: Bool
        public var rate: Double
        public var frameRate: Double
        public var symbols: Int
    }

    public var status: Status {
        let s = state.withLock { $0 }
        let settings = ensemble.controls.snapshot
        return Status(models: names, colours: colours, weights: s.weights, active: s.enabled, temperature: settings.temperature,
                      pooling: settings.pooling.rawValue, threshold: settings.threshold,
                      lookahead: settings.lookahead.map { [$0.candidates, $0.depth] }, paused: s.paused, rate: s.rate,
                      frameRate: s.frameRate, symbols: s.symbols)
    }

    private func run() {
        var assembler = UTF8Assembler()
        var due = DispatchTime.now().uptimeNanoseconds
        var nextFrame = due
        var frame = 0
        pushWeights()
        while true {
            let s = state.withLock { s -> State in
                let copy = s
                s.restart = false
                return copy
            }
            guard s.running else { break }
            if s.restart {
                ensemble.prime(Array(s.primeText.utf8))
                assembler = UTF8Assembler()
            }
            if s.paused || !s.enabled.contains(true) {
                _ = wake.wait(timeout: .now() + .milliseconds(100))
                due = DispatchTime.now().uptimeNanoseconds
                continue
            }
            let symbol = ensemble.step()
            let text = assembler.push(symbol.byte)
            if !text.isEmpty { hub.publish(.symbol(text: text, model: symbol.dominant, shares: symbol.shares)) }
            state.withLock { $0.symbols += 1 }
            let now = DispatchTime.now().uptimeNanoseconds
            if s.frameRate > 0, now >= nextFrame {
                frame += 1
                hub.publish(.distributions(distributionFrame(frame, symbol: Int(symbol.byte))))
                nextFrame = now + UInt64(1e9 / s.frameRate)
            }
            if s.rate > 0 {
                due += UInt64(1e9 / s.rate)
                if due + 1_000_000_000 < now { due = now }  // after a stall, do not burst to catch up
                if due > now { _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: due)) }
            }
        }
        finished.signal()
    }

    private func distributionFrame(_ frame: Int, symbol: Int) -> DistributionFrame {
        let active = Set(ensemble.lastActive)
        var weights = [Float](repeating: 0, count: names.count)
        for (k, i) in ensemble.lastActive.enumerated() { weights[i] = ensemble.lastWeights[k] }
        return DistributionFrame(frame: frame, symbol: symbol, weights: weights, joint: ensemble.jointDistribution,
                                 models: names.indices.map { active.contains($0) ? ensemble.distribution(of: $0) : [] })
    }
}
