import ArgumentParser
import BatonCore
import BatonTraining
import Foundation

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Turn a folder of IMPS session logs into a training dataset (.npz).",
        discussion: """
        Each log line is `ISO-8601 timestamp, source, x1, …, xn`. The performer's rows (source `interface`) of each session become one sequence of (dt, x1, …, xn), dt the seconds since the previous performer event. Train on it with `baton train control`.
        """
    )

    @Argument(help: "A folder of session logs (as `baton serve --log-dir` writes).")
    var logs: String

    @Option(name: .long, help: "Where to write the dataset (.npz).")
    var out: String

    @Option(name: .long, help: "Which rows to keep: interface (the performer) or rnn (the model).")
    var source: String = "interface"

    func run() throws {
        let (events, files) = try InteractionLogs.dataset(folder: logs, source: source)
        try events.write(npz: out)
        Terminal.writeError("wrote \(out): \(events.sequenceCount) sequences from \(files) logs, \(Terminal.grouped(Double(events.eventCount))) events of \(events.dims) values (dt + \(events.dims - 1) controls)\n")
    }
}
