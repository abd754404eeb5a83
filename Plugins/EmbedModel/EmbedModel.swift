import PackagePlugin

/// Embeds `Models/default-model.json` in the target it is applied to (AMDCore) as generated Swift source, so the
/// shipped model is data in git (one JSON file, which `amd-edge train` writes) and code in the binary (no runtime
/// file). The build reruns the generator whenever the JSON changes.
@main
struct EmbedModel: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let model = context.package.directoryURL.appending(path: "Models/default-model.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "BeepModel+DefaultJSON.swift")
        return [
            .buildCommand(
                displayName: "Embedding Models/default-model.json in \(target.name)",
                executable: try context.tool(named: "EmbedModelTool").url,
                arguments: [model.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: [model],
                outputFiles: [output])
        ]
    }
}
