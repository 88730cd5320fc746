import Foundation
import PackagePlugin

/// Generates `BuildInfo.swift` for the `mbmpo` executable before every build: the git commit of the source tree
/// (`git describe --always --dirty --abbrev=12`, or `unknown` outside a git checkout) and the compiler's version
/// line, written only when they change so that an unchanged tree does not recompile the module.
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let file = output.appending(path: "BuildInfo.swift").path
        let root = context.package.directoryURL.path
        let swiftc = (try? context.tool(named: "swiftc").url.path) ?? "swiftc"
        let script = """
            commit=$(git -C '\(root)' describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
            compiler=$('\(swiftc)' --version 2>/dev/null | head -n 1 | tr -d '"\\\\')
            text="/// Generated before each build by the BuildInfo plugin.
            enum BuildCommit {
                static let value = \\"$commit\\"
                static let compiler = \\"${compiler:-unknown}\\"
            }"
            mkdir -p '\(output.path)'
            [ "$(cat '\(file)' 2>/dev/null)" = "$text" ] || printf '%s\\n' "$text" > '\(file)'
            """
        return [
            .prebuildCommand(
                displayName: "Recording the source commit", executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script], outputFilesDirectory: output)
        ]
    }
}
