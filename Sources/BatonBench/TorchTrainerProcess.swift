import BatonCore
import BatonTraining
import Foundation

/// bench/peers/torch_trainer.py in a child process, trained with Baton's recipe and
/// started on a signal so that it runs at the same time as Baton's trainer.
final class TorchTrainerProcess {
    let process = Process()
    private let input = Pipe(), output = Pipe()
    private var text = ""

    /// One validation: where and when, and the loss.
    struct Validation {
        var step: Int
        var seconds: Double
        var nll: Double
    }

    struct Result {
        var validations: [Validation]
        var steps: Int
    }

    /// Starts the script and returns once it has loaded its data and built its model.
    init?(peer: TorchPeer, arguments: [String]) {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [peer.python, Paths.root.appendingPathComponent("bench/peers/torch_trainer.py").path, "--wait"] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        while !text.contains("\"ready\"") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return nil }
            text += String(decoding: data, as: UTF8.self)
        }
        text = ""
    }

    func start() { input.fileHandleForWriting.write(Data("go\n".utf8)) }

    /// Waits for the end of training and reads the script's JSON result.
    func finish() -> Result? {
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        text += String(decoding: rest, as: UTF8.self)
        guard process.terminationStatus == 0, let line = text.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let list = object["validations"] as? [[String: Any]], let steps = object["steps"] as? Int else { return nil }
        let validations = list.compactMap { v -> Validation? in
            guard let step = v["step"] as? Int, let seconds = v["seconds"] as? Double, let nll = v["nll"] as? Double else { return nil }
            return Validation(step: step, seconds: seconds, nll: nll)
        }
        return Result(validations: validations, steps: steps)
    }

    /// The script's flags for Baton's recipe: every option that shapes learning.
    static func arguments(corpus: String, train: Range<Int>, validation: Range<Int>, config: ModelConfig, options o: TrainingOptions,
                          validateAt steps: [Int]) -> [String] {
        var a = ["--corpus", corpus, "--train", "\(train.lowerBound):\(train.upperBound)",
                 "--valid", "\(validation.lowerBound):\(validation.upperBound)",
                 "--layers", "\(config.layers)", "--units", "\(config.units)", "--embedding", "\(config.embedding ?? 0)",
                 "--batch", "\(o.batchSize)", "--window", "\(o.window)", "--lr", "\(o.learningRate)",
                 "--schedule", o.schedule == .cosine ? "cosine" : "constant", "--final", "\(o.finalRateFraction)",
                 "--warmup", "\(o.warmupSteps)", "--clip", "\(o.clipNorm)", "--dropout", "\(o.dropout)",
                 "--weight-drop", "\(o.weightDrop)", "--embed-dropout", "\(o.symbolDropout)", "--weight-decay", "\(o.weightDecay)",
                 "--ema", "\(o.averaging)", "--minutes", "\(o.maxMinutes ?? 0)", "--steps", "\(o.maxSteps ?? 0)", "--threads", "\(o.threads)", "--seed", "\(o.seed)",
                 "--validate-at", steps.map(String.init).joined(separator: ",")]
        if o.lockedDropout { a.append("--locked") }
        return a
    }
}
