import BatonCLI

await BatonCommand.runCommandLine()
