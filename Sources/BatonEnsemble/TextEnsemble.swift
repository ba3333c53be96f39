import BatonCore
import Dispatch
import Foundation

/// What one step of a text ensemble emitted.
public struct EnsembleSymbol: Sendable, Equatable {
    /// The UTF-8 byte.
    public var byte: UInt8
    /// The member with the largest share of the emitted byte.
    public var dominant: Int
    /// Each member's share πᵢ yᵢ(c) / Σⱼ πⱼ yⱼ(c) of the emitted byte (0 for skipped members).
    public var shares: [Float]
}

/// n text models run side by side on one stream; live weights decide how their next-byte
/// distributions pool into one (Akten & Grierson, "Real-time interactive sequence generation
/// and control with RNN ensembles", 2016). At step t, with y_tⁱ = P(x_{t+1} | x_≤t, θᵢ):
/// ρ_t = π_t Ω_t / |π_t Ω_t|₁ (linear) or ρ_t ∝ Π (yⁱ)^πᵢ (product); a byte is drawn from
/// ρ_t and fed back to every active member.
///
/// `step()` is called from one thread; `controls` may be changed from any thread.
public final class TextEnsemble: @unchecked Sendable {
    /// The members, in the order weights refer to them.
    public let models: [Model]
    /// The live settings; change them from any thread between steps.
    public let controls: EnsembleControls
    /// The generator every draw comes from; reseed it to replay a performance.
    public var rng: SeededGenerator
    let members: [EnsembleMember<UInt8>]
    let history: StreamHistory<UInt8>
    /// nil when built without the worker (tests that compare runs with and without it).
    let background: BackgroundCatchUp<UInt8>?
    /// Per member: log-probabilities at the current temperature `[V]`, and for which stream
    /// position and temperature they were computed.
    let logProbabilities: [FloatBuffer]
    var computedFor: [(position: Int, temperature: Float)]
    /// The pooled distribution of the last step `[V]`.
    public let joint = FloatBuffer(count: ModelConfig.byteVocabulary)
    /// Members that took part in the last step, and their renormalised weights.
    public private(set) var lastActive: [Int] = []
    /// The renormalised weights of `lastActive` in the last step.
    public private(set) var lastWeights: [Float] = []
    let lookaheadState: LookaheadScratch
    /// Top-k/top-p of the pooled distribution (`EnsembleSettings.topK`, `topP`).
    let truncation = Truncation(capacity: ModelConfig.byteVocabulary)
    /// Worker threads for stepping members in parallel.
    public var threads: Int
    /// Keeps the pooled output well-formed UTF-8: models that each write valid text can,
    /// pooled, put weight on a byte that breaks the character under way.
    var grammar = UTF8Grammar()

    /// Symbols a text model predicts over: the 256 byte values.
    public static let vocabulary = ModelConfig.byteVocabulary
    /// Catch-up horizon: a member that was skipped for longer restarts on this many bytes.
    public static let historyLength = 256

    /// An ensemble of text models with equal weights unless `settings` says otherwise; members step on up to `threads` threads and, with `backgroundCatchUp`, skipped members catch up on a spare core.
    public init(models: [Model], settings: EnsembleSettings? = nil, precision: WeightPrecision = .float32, seed: UInt64,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, backgroundCatchUp: Bool = true) {
        precondition(!models.isEmpty && models.allSatisfy { $0.config.kind == .text }, "TextEnsemble needs text models")
        self.models = models
        var initial = settings ?? EnsembleSettings(weights: [Float](repeating: 1, count: models.count))
        if initial.weights.count != models.count { initial.weights = [Float](repeating: 1, count: models.count) }
        controls = EnsembleControls(initial)
        rng = SeededGenerator(seed: seed)
        members = models.enumerated().map { i, model in
            EnsembleMember<UInt8>(index: i, model: model, precision: precision) { stepper, byte in stepper.step(symbol: Int(byte)) }
        }
        history = StreamHistory(capacity: Self.historyLength)
        background = backgroundCatchUp ? BackgroundCatchUp(members: members, history: history) : nil
        logProbabilities = models.map { _ in FloatBuffer(count: Self.vocabulary) }
        computedFor = models.map { _ in (-1, 0) }
        lookaheadState = LookaheadScratch(members: models.count)
        self.threads = threads
    }

    deinit { background?.stop() }

    /// Bytes fed to the ensemble so far (prime and generated).
    public var position: Int { history.count }

    /// Forgets everything: every member back to the zero state, the stream emptied.
    public func reset() {
        for member in members { member.withLock { member.reset() } }
        history.clear()
        grammar = UTF8Grammar()
        for i in computedFor.indices { computedFor[i] = (-1, 0) }
    }

    /// Bytes of prime fed between two looks at `shouldStop`.
    static let primeSlice = 32

    /// Resets, then feeds `bytes` (a newline when empty) as context, in slices of
    /// `primeSlice` bytes. Active members read the whole prime, however long; the others
    /// catch up on its last bytes when they join. `shouldStop` is asked between slices: when
    /// it answers true the prime ends there (the ensemble holds the part fed so far) and
    /// this returns false.
    @discardableResult
    public func prime(_ bytes: [UInt8], shouldStop: () -> Bool = { false }) -> Bool {
        reset()
        return feed(bytes.isEmpty ? [0x0A] : bytes, shouldStop: shouldStop)
    }

    /// Appends `bytes` to the stream without restarting: the performer's own text, which
    /// every active member reads (the others catch up when they join), in slices of
    /// `primeSlice` bytes. `shouldStop` is asked between slices: when it answers true the
    /// feed ends there (the stream holds the part fed so far) and this returns false.
    @discardableResult
    public func feed(_ bytes: [UInt8], shouldStop: () -> Bool = { false }) -> Bool {
        let active = controls.snapshot.activeMembers().indices
        // The generated text may have stopped inside a character; the fed text starts a new one.
        grammar = UTF8Grammar()
        var start = 0
        while start < bytes.count {
            let end = min(start + Self.primeSlice, bytes.count)
            for byte in bytes[start..<end] {
                history.append(byte)
                grammar.advance(byte)
            }
            advance(active)
            start = end
            if start < bytes.count, shouldStop() { return false }
        }
        return true
    }

    /// Member `index` plays on with other weights of the same architecture (adapted ones),
    /// keeping its state. Call between steps, from the thread that steps the ensemble.
    public func replaceStepper(of index: Int, with replacement: Stepper) {
        precondition(replacement.config == models[index].config, "replaceStepper: architectures differ")
        members[index].withLock { members[index].replaceStepper(replacement) }
    }

    /// Brings members up to the end of the stream, in parallel.
    func advance(_ indices: [Int]) {
        let target = history.count
        parallel(indices.count) { k in
            let member = members[indices[k]]
            member.withLock { member.join(target: target, history: history) }
        }
    }

    /// Draws one byte from the pooled distribution and appends it to the stream.
    public func step() -> EnsembleSymbol {
        if history.count == 0 { prime([]) }
        let settings = controls.snapshot
        let (active, weights) = settings.activeMembers()
        background?.update(skipped: members.indices.filter { !active.contains($0) })
        lastActive = active
        lastWeights = weights
        prepare(active, temperature: settings.temperature)
        pool(active, weights: weights, pooling: settings.pooling, into: joint.pointer)
        grammar.constrain(joint.buffer)
        truncation.apply(joint.buffer, topK: settings.topK, topP: settings.topP)
        let byte: Int
        if let lookahead = settings.lookahead, lookahead.depth > 0 || lookahead.candidates > 1 {
            byte = chooseWithLookahead(lookahead, active: active, weights: weights, settings: settings)
        } else {
            byte = Categorical.sampleIndex(UnsafeBufferPointer(joint.buffer), uniform: rng.nextFloat())
        }
        let shares = Self.attribution(byte: byte, active: active, weights: weights, memberCount: members.count) {
            Foundation.exp(Double(logProbabilities[$0].pointer[$1]))
        }
        let dominant = shares.indices.max { shares[$0] < shares[$1] } ?? 0
        history.append(UInt8(byte))
        grammar.advance(UInt8(byte))
        background?.update(skipped: members.indices.filter { !active.contains($0) })
        return EnsembleSymbol(byte: UInt8(byte), dominant: dominant, shares: shares)
    }

    /// Brings every active member to the current stream position (catching up when it
    /// re-enters) and computes its log-probabilities at `temperature`, members in parallel.
    func prepare(_ active: [Int], temperature: Float) {
        let target = history.count
        let work = active.filter { computedFor[$0].position != target || computedFor[$0].temperature != temperature }
        parallel(work.count) { k in
            let i = work[k], member = members[i]
            member.withLock {
                member.join(target: target, history: history)
                Softmax.logSoftmax(member.stepper.output, temperature: temperature, into: logProbabilities[i].pointer)
            }
        }
        for i in work { computedFor[i] = (target, temperature) }
    }

    /// Runs `body(0..<count)` across the worker threads (inline when there is one job).
    func parallel(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1, threads > 1 else { for k in 0..<count { body(k) }; return }
        nonisolated(unsafe) let body = body
        let parts = min(threads, count)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var k = part
            while k < count { body(k); k += parts }
        }
    }

    /// The latest distribution of member `index` (probabilities at the current temperature),
    /// for visualisers. Valid for members that took part in the last step.
    public func distribution(of index: Int) -> [Float] {
        (0..<Self.vocabulary).map { Foundation.exp(logProbabilities[index].pointer[$0]) }
    }

    /// The pooled distribution of the last step.
    public var jointDistribution: [Float] { joint.array }
}
