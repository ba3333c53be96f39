import BatonCore
import BatonTraining
import Foundation

/// Learning speed beside PyTorch: validation NLL at equal steps and at equal times, for
/// the same recipe on the same data (`baton-bench quality`; the method is in
/// docs/benchmarks.md).
///
/// Both trainers run at the same time, one thread each, so whatever else loads the
/// machine loads both alike. Each budget (1, 5, 15 minutes; 45 with --long) is a run of
/// its own, as `--minutes` would be, with the schedule spread over it. The clocks count
/// training steps only: validations, at the same steps on both sides, pause them.
///
/// Settings: --corpus FILE (shakespeare.txt) --limit BYTES (whole file) --valid-bytes N
/// (the last 10 %) --size s|m|l|xl (m) --budgets 1,5,15 (or --steps N: one run per side with
/// the schedule over N steps, learning per step alone), and the recipe's flags as
/// `baton train` spells them: --embedding --lr --batch --window --dropout --locked-dropout 0|1
/// --weight-drop --symbol-dropout --weight-decay --average --warmup --final-rate --clip --seed.
enum QualityBench {
    /// Steps at which both sides validate: about ×1.5 apart.
    static let grid = [25, 50, 100, 150, 200, 300, 400, 600, 800, 1200, 1600, 2400, 3200, 4800, 6400, 9600, 12800, 19200, 25600, 38400, 51200]

    struct Setup {
        var corpus: String
        var bytes: [UInt8]
        var train: Range<Int>, validation: Range<Int>
        var preset: SizePreset
        var options: TrainingOptions
    }

    struct Outcome {
        var budget: String
        var baton: [TorchTrainerProcess.Validation]
        var batonSteps: Int
        var torch: TorchTrainerProcess.Result?
    }

    static func run(options: BenchOptions, peer: TorchPeer?) {
        guard let setup = prepare(options) else { return }
        let config = setup.preset.textConfig, o = setup.options
        print("Learning speed beside PyTorch (validation nats/char, lower is better): the same recipe and data, both at once, 1 thread each")
        print("data: \(setup.corpus), bytes 0..<\(setup.validation.upperBound): training \(setup.train.count), validation the last \(setup.validation.count)")
        print("model: \(setup.preset.name) (\(config.layers)×\(config.units), \(config.embedding.map { "embedding \($0)" } ?? "one-hot")); "
              + "batch \(o.batchSize) × window \(o.window), Adam \(o.learningRate), cosine to \(o.finalRateFraction), clip \(o.clipNorm)")
        print("regularisation: dropout \(o.dropout)\(o.lockedDropout ? " locked" : ""), weight drop \(o.weightDrop), symbol dropout \(o.symbolDropout), "
              + "weight decay \(o.weightDecay), average \(o.averaging), warm-up \(o.warmupSteps)")
        print("clocks count training steps only (validations excluded); load average at start \(Machine.loadAverage)")
        if peer == nil { print("PyTorch is not importable: Baton's figures only") }
        var budgets = (options.string("budgets") ?? "1,5,15").split(separator: ",").compactMap { Double($0) }
        if options.long { budgets.append(45) }
        // --steps N: one run per side with the schedule over N steps, for learning per step alone.
        let stepBudget = options.int("steps")
        if let stepBudget { budgets = [Double(stepBudget)] }
        var outcomes: [Outcome] = []
        for budget in budgets {
            let outcome = runPair(setup, minutes: stepBudget == nil ? budget : nil, steps: stepBudget, peer: peer)
            printCurve(outcome)
            outcomes.append(outcome)
        }
        printSummary(outcomes)
        print("load average at the end \(Machine.loadAverage)\n")
    }

    /// The data split and the recipe from the settings.
    static func prepare(_ options: BenchOptions) -> Setup? {
        let corpus = options.string("corpus") ?? Paths.shared("datasets/text/shakespeare.txt")
        guard var bytes = try? readFileBytes(corpus) else { print("quality: cannot read \(corpus)\n"); return nil }
        if let limit = options.int("limit"), limit < bytes.count { bytes = Array(bytes.prefix(limit)) }
        let held = options.int("valid-bytes") ?? Int((Double(bytes.count) * 0.1).rounded())
        guard held > 1000, held < bytes.count - 1000 else { print("quality: --valid-bytes \(held) leaves too little on one side\n"); return nil }
        guard var preset = try? SizePreset.named(options.string("size") ?? "m", for: .text) else { print("quality: unknown --size\n"); return nil }
        if let e = options.int("embedding") { preset.embedding = e > 0 ? e : nil }
        var o = preset.defaultOptions(budgeted: true)
        if let v = options.float("lr") { o.learningRate = v }
        if let v = options.int("batch") { o.batchSize = v }
        if let v = options.int("window") { o.window = v }
        if let v = options.float("dropout") { o.dropout = v }
        if let v = options.int("locked-dropout") { o.lockedDropout = v != 0 }
        if let v = options.float("weight-drop") { o.weightDrop = v }
        if let v = options.float("symbol-dropout") { o.symbolDropout = v }
        if let v = options.float("weight-decay") { o.weightDecay = v }
        if let v = options.double("average") { o.averaging = v }
        if let v = options.int("warmup") { o.warmupSteps = v }
        if let v = options.float("final-rate") { o.finalRateFraction = v }
        if let v = options.float("clip") { o.clipNorm = v }
        if let v = options.int("seed") { o.seed = UInt64(v) }
        o.threads = 1
        o.patience = .max
        o.budgetIncludesValidation = false
        o.validationSteps = Set(grid)
        let cut = bytes.count - held
        return Setup(corpus: corpus, bytes: bytes, train: 0..<cut, validation: cut..<bytes.count, preset: preset, options: o)
    }

    /// One budget: PyTorch loads first (it takes seconds to import), then both start together.
    static func runPair(_ setup: Setup, minutes: Double?, steps: Int?, peer: TorchPeer?) -> Outcome {
        var o = setup.options
        o.maxMinutes = minutes
        o.maxSteps = steps
        let config = setup.preset.textConfig
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-quality-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Both sides start from Baton's initial weights: two draws from the same distribution
        // differ by ±0.02 nats/char after a few hundred steps (docs/benchmarks.md), more than
        // the engines do, so separate draws would compare initialisations, not engines.
        var rng = SeededGenerator(seed: o.seed)
        let model = Model.initialised(config, using: &rng)
        let initial = folder.appendingPathComponent("initial.safetensors").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try model.save(to: initial)
        } catch {
            print("quality: cannot write the initial model to \(initial): \(error)")
            return Outcome(budget: budgetName(minutes: minutes, steps: steps), baton: [], batonSteps: 0, torch: nil)
        }
        let torch = peer.flatMap {
            TorchTrainerProcess(peer: $0, arguments: TorchTrainerProcess.arguments(
                corpus: setup.corpus, train: setup.train, validation: setup.validation, config: config, options: o, validateAt: grid)
                + ["--init-from", initial])
        }
        var validations: [TorchTrainerProcess.Validation] = []
        var stepsTaken = 0
        do {
            let train = try TextBatches(bytes: Array(setup.bytes[setup.train]), steps: o.window, rows: o.batchSize, path: setup.corpus, what: "training part")
            let validation = try TextBatches(bytes: Array(setup.bytes[setup.validation]), steps: o.window, rows: o.batchSize,
                                             path: setup.corpus, what: "validation part")
            let trainer = Trainer(model: model, train: train, validation: validation, options: o,
                                  paths: TrainingPaths(model: folder.appendingPathComponent("quality.safetensors").path))
            torch?.start()
            let summary = try trainer.run(progress: { p in
                if p.validated, let loss = p.validationLoss { validations.append(.init(step: p.step, seconds: p.elapsedSeconds, nll: loss)) }
            }, shouldStop: { false })
            stepsTaken = summary.steps
        } catch {
            print("quality: Baton's run failed: \(error)")
        }
        return Outcome(budget: budgetName(minutes: minutes, steps: steps), baton: validations, batonSteps: stepsTaken, torch: torch?.finish())
    }

    static func budgetName(minutes: Double?, steps: Int?) -> String {
        minutes.map { "\(format($0, 0)) min" } ?? "\(steps ?? 0) steps"
    }

    static func printCurve(_ outcome: Outcome) {
        var table = Table(header: [outcome.budget, "Baton", "PyTorch", "Baton − PyTorch"])
        let torch = outcome.torch?.validations ?? []
        for v in outcome.baton.dropLast() where grid.contains(v.step) {
            let peer = torch.first { $0.step == v.step }
            table.add(["step \(v.step)", format(v.nll, 3), peer.map { format($0.nll, 3) } ?? "–", peer.map { signed(v.nll - $0.nll) } ?? "–"])
        }
        if let last = outcome.baton.last {
            let peer = torch.last
            table.add(["end (step \(last.step) | \(peer.map { String($0.step) } ?? "–"))", format(last.nll, 3), peer.map { format($0.nll, 3) } ?? "–",
                       peer.map { signed(last.nll - $0.nll) } ?? "–"])
        }
        print(table.render())
        print()
    }

    /// Per budget: the NLL at equal time (the end), and at the largest step both reached.
    static func printSummary(_ outcomes: [Outcome]) {
        var table = Table(header: ["budget", "Baton steps", "PyTorch steps", "Baton NLL", "PyTorch NLL", "Δ equal time", "equal steps", "Δ equal steps"])
        for outcome in outcomes {
            let torch = outcome.torch
            let common = outcome.baton.filter { v in grid.contains(v.step) && torch?.validations.contains { $0.step == v.step } == true }.last
            let peerAtCommon = common.flatMap { c in torch?.validations.first { $0.step == c.step } }
            let end = outcome.baton.last, peerEnd = torch?.validations.last
            table.add([outcome.budget, "\(outcome.batonSteps)", torch.map { "\($0.steps)" } ?? "–",
                       end.map { format($0.nll, 3) } ?? "–", peerEnd.map { format($0.nll, 3) } ?? "–",
                       zip2(end, peerEnd).map { signed($0.nll - $1.nll) } ?? "–",
                       common.map { "\($0.step)" } ?? "–", zip2(common, peerAtCommon).map { signed($0.nll - $1.nll) } ?? "–"])
        }
        print(table.render())
    }

    static func signed(_ value: Double) -> String { String(format: "%+.3f", value) }

    static func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
        guard let a, let b else { return nil }
        return (a, b)
    }
}
