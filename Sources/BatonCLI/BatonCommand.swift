import ArgumentParser
import BatonCore
import Foundation

/// `baton`: train small recurrent models and conduct them live.
public struct BatonCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Train small LSTM models on your own text, strokes or controller data, and play them live.",
        discussion: """
        Models are single .safetensors files. Text models read and write UTF-8 bytes, so any two text models can be mixed. See README.md for a five-minute tour.
        """,
        subcommands: [TrainCommand.self, SampleCommand.self, EnsembleCommand.self, PredictCommand.self, DrawCommand.self, EvalCommand.self,
                      DatasetCommand.self, ImportCommand.self, ConvertCommand.self, ServeCommand.self, MIDICommand.self, InfoCommand.self]
    )

    public init() {}

    /// Runs the command line, rendering user errors as one line with a hint and exit code 1.
    public static func runCommandLine(arguments: [String]? = nil) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as UserFacingError {
            Terminal.printError(error)
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
