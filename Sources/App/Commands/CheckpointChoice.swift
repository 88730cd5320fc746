import ArgumentParser
import Foundation
import Storage

/// Which checkpoint `eval` and `export` read: a run folder's latest (`--run`), the one after `--iteration N`
/// iterations of it, or a checkpoint file (`--checkpoint`, as `replay` and `render` take it).
struct CheckpointChoice: ParsableArguments {
    @Option(name: .customLong("run"), help: "Training run folder (its latest checkpoint, or --iteration's).")
    var runFolder: String?

    @Option(help: "A checkpoint file to read instead of a run folder's.")
    var checkpoint: String?

    @Option(help: "With --run: the checkpoint after this many iterations (default: the latest).")
    var iteration: Int?

    func validate() throws {
        // `export --run DIR --checkpoint N` (its old form) is answered by ``path()`` with the option to use
        guard (runFolder == nil) != (checkpoint == nil) || takesANumber else {
            throw ValidationError("pass exactly one of --run DIR and --checkpoint FILE")
        }
        if let iteration, iteration < 1 || checkpoint != nil {
            throw ValidationError(
                checkpoint != nil
                    ? "--iteration picks a checkpoint of --run; it cannot be combined with --checkpoint"
                    : "--iteration must be at least 1, got \(iteration)")
        }
    }

    /// The run folder: `--run`'s, else the one `--checkpoint` lies in (`RUN/checkpoints/FILE`), if it does.
    var run: URL? {
        if let runFolder { return URL(fileURLWithPath: runFolder, isDirectory: true) }
        let folder = URL(fileURLWithPath: checkpoint ?? "").deletingLastPathComponent()
        return folder.lastPathComponent == "checkpoints" ? folder.deletingLastPathComponent() : nil
    }

    /// Whether `--checkpoint` was given a number where no such file is, as `export` once took it.
    private var takesANumber: Bool {
        checkpoint.map { Int($0) != nil && !FileManager.default.fileExists(atPath: $0) } ?? false
    }

    /// The checkpoint file chosen; a number given to `--checkpoint` where no such file is (as `export` once took
    /// it) is refused with the option that does that.
    func path() throws -> String {
        if let checkpoint {
            if takesANumber {
                throw ResumeError(
                    description: "--checkpoint takes a checkpoint file; for the checkpoint after \(checkpoint) "
                        + "iterations pass --run DIR --iteration \(checkpoint)")
            }
            return checkpoint
        }
        let directory = CheckpointDirectory(run: URL(fileURLWithPath: runFolder ?? "", isDirectory: true))
        return try iteration.map { directory.path(iteration: $0) } ?? directory.latestPath()
    }
}
