import CMuJoCo
import Foundation
import Learner
import Storage

/// The program's version, as `mbmpo --version` prints it: the release number and the source commit it was built
/// from (`-dirty` when the tree had uncommitted changes).
enum ProgramVersion {
    static let number = "0.9.0"
    static var commit: String { BuildCommit.value }
    static var build: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }
    static var text: String { "\(number) (commit \(commit), \(build) build)" }
}

/// `run-info.json` in a run folder: one entry per start, resume and restart of the run, with everything that can
/// change the last bits of its results or explain its speed (program commit and build, compiler, MuJoCo and
/// OpenBLAS versions, the OpenBLAS kernel family, the CPU and its vector level, threads) and what was run (command
/// line, host, time, the iteration it started from).
enum RunInfo {
    static let fileName = "run-info.json"

    /// This process's entry.
    static func entry(event: String, fromIteration: Int, threads: Int) -> [String: JSONValue] {
        let cpu = CPUDescription.current
        let mujoco = Int(cmj_version())
        return [
            "event": .string(event),
            "time": .string(ISO8601DateFormatter().string(from: Date())),
            "command": .array(CommandLine.arguments.map { .string($0) }),
            "host": .string(ProcessInfo.processInfo.hostName),
            "fromIteration": .integer(Int64(fromIteration)),
            "threads": .integer(Int64(threads)),
            "mbmpo": .object([
                "version": .string(ProgramVersion.number), "commit": .string(ProgramVersion.commit),
                "build": .string(ProgramVersion.build),
            ]),
            "compiler": .string(BuildCommit.compiler),
            "mujoco": .string("\(mujoco / 100).\(mujoco / 10 % 10).\(mujoco % 10)"),
            "openblas": .string(BLAS.configuration),
            "openblasKernels": .string(BLAS.coreName),
            "cpu": .object([
                "model": .string(cpu.model), "family": .integer(Int64(cpu.family)),
                "modelNumber": .integer(Int64(cpu.modelNumber)), "vectorLevel": .string(cpu.vectorLevel),
                "logicalCPUs": .integer(Int64(ProcessInfo.processInfo.activeProcessorCount)),
            ]),
        ]
    }

    /// Appends this process's entry to `run`/run-info.json (atomically). A file that cannot be read as ours is kept
    /// beside it as `run-info.json.unreadable` (nothing written is lost) and a new list starts.
    static func append(to run: URL, event: String, fromIteration: Int, threads: Int) throws {
        let path = run.appendingPathComponent(fileName).path
        var entries: [JSONValue] = []
        if RegularFile.anythingExists(at: path) {
            if let text = try? RegularFile.text(path), let tree = JSONValue(parsing: text),
                case .array(let existing)? = tree.objectMembers?["entries"]
            {
                entries = existing
            } else {
                _ = rename(path, path + ".unreadable")
            }
        }
        entries.append(.object(entry(event: event, fromIteration: fromIteration, threads: threads)))
        let document = JSONValue.object(["format": .string("mbmpo-run-info 1"), "entries": .array(entries)])
        try AtomicFile.write(text: try document.prettyText() + "\n", to: path)
    }
}

/// The processor, from /proc/cpuinfo (its first entry), and the widest vector level the kernels use.
struct CPUDescription {
    let model: String
    let family: Int
    let modelNumber: Int
    let vectorLevel: String

    static var current: CPUDescription {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let first = text.components(separatedBy: "\n\n").first ?? ""
        var fields: [String: String] = [:]
        for line in first.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil {
                fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        let flags = Set((fields["flags"] ?? "").split(separator: " ").map(String.init))
        let level =
            flags.contains("avx512_bf16")
            ? "avx512-bf16" : flags.contains("avx512f") ? "avx512" : flags.contains("avx2") ? "avx2" : "baseline"
        return CPUDescription(
            model: fields["model name"] ?? "unknown", family: Int(fields["cpu family"] ?? "") ?? 0,
            modelNumber: Int(fields["model"] ?? "") ?? 0, vectorLevel: level)
    }
}

extension RunInfo {
    /// The OpenBLAS kernel family that trained iteration `iteration` (0-based) of the run in `run`, from its
    /// run-info.json: the `openblasKernels` of the last entry that started at or before that iteration (a later
    /// entry that went back, resuming from an earlier checkpoint, trained it again). Nil where the file, such an
    /// entry or its field is missing.
    static func kernels(trainingIteration iteration: Int, in run: URL) -> String? {
        let path = run.appendingPathComponent(fileName).path
        guard let text = try? RegularFile.text(path), let tree = JSONValue(parsing: text),
            case .array(let entries)? = tree.objectMembers?["entries"]
        else { return nil }
        var found: String?
        for entry in entries {
            guard let members = entry.objectMembers, case .integer(let first)? = members["fromIteration"],
                first <= iteration
            else { continue }
            if case .string(let name)? = members["openblasKernels"] { found = name } else { found = nil }
        }
        return found
    }

    /// A note for a run resumed with other OpenBLAS kernels than those that trained its last iteration: the two
    /// families round differently, so from here its results differ in the last bits from an uninterrupted run's.
    /// Nil when the families are the same.
    static func kernelChangeNote(previous: String, current: String, cpuFlags: Set<String>) -> String? {
        guard previous.lowercased() != current.lowercased() else { return nil }
        let note =
            "note: this run's last iteration was trained with OpenBLAS's \(previous) kernels and it resumes with "
            + "\(current) ones, so from here its results differ in the last bits from an uninterrupted run's; "
        switch OpenBLASKernels.runnable(previous, cpuFlags: cpuFlags) {
        case true?: return note + "OPENBLAS_CORETYPE=\(previous) resumes it exactly"
        case false?: return note + "this CPU cannot run the \(previous) kernels, so no exact resume is possible here"
        case nil: return note + "OPENBLAS_CORETYPE=\(previous) resumes it exactly where the CPU can run them"
        }
    }
}

/// OpenBLAS's kernel families (the names `openblas_get_corename` gives and `OPENBLAS_CORETYPE` takes) and the
/// instruction sets they need.
enum OpenBLASKernels {
    /// The /proc/cpuinfo flags each known family needs (lower-case names).
    static let requiredFlags: [String: Set<String>] = [
        "cooperlake": ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"],
        "skylakex": ["avx512f", "avx512bw", "avx512dq", "avx512vl"],
        "haswell": ["avx2", "fma"],
        "zen": ["avx2", "fma"],
        "sandybridge": ["avx"],
        "nehalem": ["sse4_2"],
        "penryn": ["sse4_1"],
        "core2": ["ssse3"],
        "prescott": ["pni"],
    ]

    /// Whether a CPU with `cpuFlags` can run the kernel family `name`; nil for a family not in the table.
    static func runnable(_ name: String, cpuFlags: Set<String>) -> Bool? {
        requiredFlags[name.lowercased()].map { $0.isSubset(of: cpuFlags) }
    }
}
