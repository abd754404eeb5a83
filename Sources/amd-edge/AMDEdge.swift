import AMDServer
import ArgumentParser

/// The `amd-edge` command: answering-machine beep detection for call centres.
@main
struct AMDEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amd-edge",
        abstract: "Answering-machine beep detection for call centres.",
        version: AMDEdgeVersion.current,
        subcommands: [DetectCommand.self, EvalCommand.self, InspectCommand.self, TrainCommand.self, RunCommand.self]
    )
}
