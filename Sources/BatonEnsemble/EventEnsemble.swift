import BatonCore
import Foundation

/// What one step of a continuous ensemble emitted.
public struct EnsembleEvent: Sendable, Equatable {
    /// The event in the data's own units (dt first for control; dx, dy, pen for strokes).
    public var values: [Float]
    /// The member whose component was drawn.
    public var source: Int
    /// Each member's share πᵢ pᵢ(x) / Σⱼ πⱼ pⱼ(x) of the emitted event (0 for skipped members).
    public var shares: [Float]
}

/// Control or stroke models of the same dimension mixed live: a mixture of mixtures. With
/// member weights πᵢ and each member's component weights πᵢₖ (at the π-temperature), the
/// pooled density is Σᵢ Σₖ πᵢ πᵢₖ N(x; μᵢₖ, σᵢₖ² τσ): a component is drawn with probability
/// πᵢ πᵢₖ, then a point from it. Each member keeps its own normalisation, so members
/// trained on differently scaled data still mix in the data's units. Threshold and
/// catch-up work as in `TextEnsemble`.
public final class EventEnsemble: @unchecked Sendable {
    /// The members, in the order weights refer to them.
    public let models: [Model]
    /// The live settings; change them from any thread between steps.
    public let controls: EnsembleControls
    /// The generator every draw comes from; reseed it to replay a performance.
    public var rng: SeededGenerator
    /// Values per event, shared by every member (dt plus controls, or dx, dy, pen).
    public let dims: Int
    let members: [EnsembleMember<[Float]>]
    /// One per member: draws and scores events in the data's units.
    let samplers: [EventSampler]
    private let drawn: FloatBuffer
    /// Every member's component weights πᵢ πᵢₖ side by side (member i's K at
    /// `componentOffsets[i]`), filled each step without allocating.
    private let componentWeights: FloatBuffer
    private let componentOffsets: [Int]
    let history: StreamHistory<[Float]>
    let background: BackgroundCatchUp<[Float]>
    /// The members that took part in the last step.
    public private(set) var lastActive: [Int] = []
    /// The renormalised weights of `lastActive` in the last step.
    public private(set) var lastWeights: [Float] = []
    /// An ensemble of control or stroke models of one kind and dimension, with equal weights unless `settings` says otherwise.
    public init(models: [Model], settings: EnsembleSettings? = nil, precision: WeightPrecision = .float32, seed: UInt64) {
        precondition(!models.isEmpty, "EventEnsemble needs models")
        let kind = models[0].config.kind, dims = models[0].config.inputSize
        precondition(kind != .text && models.allSatisfy { $0.config.kind == kind && $0.config.inputSize == dims },
                     "EventEnsemble needs control or stroke models of one kind and dimension")
        self.models = models
        self.dims = dims
        var initial = settings ?? EnsembleSettings(weights: [Float](repeating: 1, count: models.count))
        if initial.weights.count != models.count { initial.weights = [Float](repeating: 1, count: models.count) }
        controls = EnsembleControls(initial)
        rng = SeededGenerator(seed: seed)
        members = models.enumerated().map { i, model in
            EnsembleMember<[Float]>(index: i, model: model, precision: precision) { stepper, event in stepper.step(input: event) }
        }
        let samplers = models.map(EventSampler.init(model:))
        self.samplers = samplers
        drawn = FloatBuffer(count: dims)
        let counts = samplers.map(\.componentCount)
        componentOffsets = counts.indices.map { counts[..<$0].reduce(0, +) }
        componentWeights = FloatBuffer(count: counts.reduce(0, +))
        history = StreamHistory(capacity: TextEnsemble.historyLength)
        background = BackgroundCatchUp(members: members, history: history)
    }

    /// dt floor for control members (IMPSY clips at 0.000454 s).
    public var minimumDt: Float {
        get { samplers[0].minimumDt }
        set { for sampler in samplers { sampler.minimumDt = newValue } }
    }

    deinit { background.stop() }

    /// Whether the members are control or stroke models.
    public var kind: ModelKind { models[0].config.kind }

    /// Clears every member's state and the shared history, as at the start of a stream.
    public func reset() {
        for member in members { member.withLock { member.reset() } }
        history.clear()
    }

    /// Feeds an event that happened (the performer's) without sampling. Active members
    /// read it at once; the others catch up when they join.
    public func feed(_ event: [Float]) {
        precondition(event.count == dims, "feed: \(event.count) values for \(dims)-d models")
        history.append(event)
        let target = history.count
        for i in controls.snapshot.activeMembers().indices {
            members[i].withLock { members[i].join(target: target, history: history) }
        }
    }

    /// Draws the next event from the mixture of mixtures and appends it to the stream.
    public func step() -> EnsembleEvent {
        if history.count == 0 { history.append([Float](repeating: 0, count: dims)) }
        let settings = controls.snapshot
        let (active, weights) = settings.activeMembers()
        background.update(skipped: members.indices.filter { !active.contains($0) })
        lastActive = active
        lastWeights = weights
        let target = history.count
        for i in active { members[i].withLock { members[i].join(target: target, history: history) } }
        let (member, component) = drawComponent(active: active, weights: weights, piTemperature: settings.piTemperature)
        let values = sample(member: member, component: component, piTemperature: settings.piTemperature, sigmaTemperature: settings.sigmaTemperature)
        let shares = attribution(of: values, active: active, weights: weights, piTemperature: settings.piTemperature)
        history.append(values)
        return EnsembleEvent(values: values, source: member, shares: shares)
    }

    /// Draws (member, component) with probability πᵢ πᵢₖ, the member's component weights
    /// at the π-temperature. Allocation-free: skipped members' entries are 0, which
    /// `Categorical.sampleIndex` passes over.
    func drawComponent(active: [Int], weights: [Float], piTemperature: Float) -> (member: Int, component: Int) {
        let all = componentWeights.buffer
        all.update(repeating: 0)
        for (k, i) in active.enumerated() {
            let (logits, count) = samplers[i].componentLogits(members[i].stepper.output.baseAddress!)
            let slot = UnsafeMutableBufferPointer(rebasing: all[componentOffsets[i]..<(componentOffsets[i] + count)])
            Softmax.softmax(UnsafeBufferPointer(start: logits, count: count), temperature: piTemperature, into: slot)
            for m in slot.indices { slot[m] *= weights[k] }
        }
        let pick = Categorical.sampleIndex(UnsafeBufferPointer(all), uniform: rng.nextFloat())
        let member = componentOffsets.lastIndex { $0 <= pick } ?? 0
        return (member, pick - componentOffsets[member])
    }

    /// One point from component `m` of `member`, in the data's units.
    func sample(member index: Int, component m: Int, piTemperature: Float, sigmaTemperature: Float) -> [Float] {
        samplers[index].draw(members[index].stepper.output.baseAddress!, component: m, piTemperature: piTemperature,
                             sigmaTemperature: sigmaTemperature, using: &rng, into: drawn.pointer)
        return drawn.array
    }

    /// log Σᵢ πᵢ pᵢ(x) over the members active in the last step: the pooled density of a
    /// point in data units (at π- and σ-temperature 1).
    public func pooledLogDensity(of x: [Float]) -> Double {
        var total = LogSumExp()
        for term in memberLogTerms(x, active: lastActive, weights: lastWeights) { total.add(term) }
        return total.value
    }

    /// πᵢ pᵢ(x) / Σ πⱼ pⱼ(x), densities in data units (each member's Jacobian included).
    /// Where every density is 0 (far out in the tails) the shares are the weights.
    func attribution(of x: [Float], active: [Int], weights: [Float], piTemperature: Float) -> [Float] {
        let logTerms = memberLogTerms(x, active: active, weights: weights)
        var sum = LogSumExp()
        for term in logTerms { sum.add(term) }
        let total = sum.value
        var shares = [Float](repeating: 0, count: members.count)
        for (k, i) in active.enumerated() {
            shares[i] = total.isFinite ? Float(Foundation.exp(logTerms[k] - total)) : weights[k]
        }
        return shares
    }

    /// log πᵢ + log pᵢ(x) for each active member.
    func memberLogTerms(_ x: [Float], active: [Int], weights: [Float]) -> [Double] {
        x.withUnsafeBufferPointer { point in
            active.enumerated().map { k, i in
                Foundation.log(Double(max(weights[k], 1e-30)))
                    + samplers[i].logDensity(of: point.baseAddress!, output: members[i].stepper.output.baseAddress!)
            }
        }
    }
}
