import BatonCLI

await BatonCommand.main()
