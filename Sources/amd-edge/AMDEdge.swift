import ArgumentParser

/// The `amd-edge` command: answering-machine beep detection.
@main
struct AMDEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amd-edge",
        abstract: "Answering-machine beep detection for call centres.",
        subcommands: [RunCommand.self]
    )
}
