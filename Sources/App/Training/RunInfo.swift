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
            "mujoco": .string(mujocoVersion),
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
    /// Its feature flags (empty where /proc/cpuinfo cannot be read).
    let flags: Set<String>

    /// This machine's, read once per process (the header, run-info.json, resume notes and the MPI rank check use it).
    static let current: CPUDescription = {
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
            modelNumber: Int(fields["model"] ?? "") ?? 0, vectorLevel: level, flags: flags)
    }()
}

extension RunInfo {
    /// The events of the entries `train` adds: a start, a resume, and a restart (a folder resumed before its first
    /// checkpoint).
    static let trainingEvents: Set<String> = ["start", "resume", "restart"]

    /// The string members of the run-info.json entry that trained iteration `iteration` (0-based) of the run in
    /// `run`: the last start, resume or restart that began at or before that iteration (a later one that went back,
    /// resuming from an earlier checkpoint, trained it again), as `Benchmarks/results.py` reads it too. Nil where
    /// the file or such an entry is missing.
    static func trainingEntry(ofIteration iteration: Int, in run: URL) -> [String: String]? {
        let path = run.appendingPathComponent(fileName).path
        guard let text = try? RegularFile.text(path), let tree = JSONValue(parsing: text),
            case .array(let entries)? = tree.objectMembers?["entries"]
        else { return nil }
        var found: [String: String]?
        for entry in entries {
            guard let members = entry.objectMembers, case .string(let event)? = members["event"],
                trainingEvents.contains(event), case .integer(let first)? = members["fromIteration"], first <= iteration
            else { continue }
            found = members.compactMapValues { if case .string(let value) = $0 { value } else { nil } }
        }
        return found
    }

    /// The notes for a run resumed with other arithmetic than the entry `previous` (``trainingEntry(ofIteration:in:)``
    /// of its last iteration) records: another OpenBLAS kernel family (``kernelChangeNote(previous:current:cpuFlags:)``),
    /// another OpenBLAS build or MuJoCo version. From there its results may differ from an uninterrupted run's. None
    /// when they agree or `previous` does not record them (an older binary's entry).
    static func resumeNotes(
        previous: [String: String], kernels: String = BLAS.coreName, openblas: String = BLAS.configuration,
        mujoco: String = mujocoVersion, cpuFlags: Set<String>
    ) -> [String] {
        var notes: [String] = []
        if let trained = previous["openblasKernels"],
            let note = kernelChangeNote(previous: trained, current: kernels, cpuFlags: cpuFlags)
        {
            notes.append(note)
        }
        // OpenBLAS's build string names the kernel family too: that part was compared above
        func build(_ text: String, _ family: String?) -> String {
            text.split(separator: " ").filter { $0.lowercased() != family?.lowercased() }.joined(separator: " ")
        }
        var others: [String] = []
        if let trained = previous["openblas"], build(trained, previous["openblasKernels"]) != build(openblas, kernels) {
            others.append("\(trained) where this process has \(openblas)")
        }
        if let trained = previous["mujoco"], trained != mujoco {
            others.append("MuJoCo \(trained) where this process has \(mujoco)")
        }
        if !others.isEmpty {
            notes.append(
                "note: this run's last iteration was trained with " + others.joined(separator: ", and ")
                    + ", so from here its results may differ from an uninterrupted run's")
        }
        return notes
    }

    /// This process's MuJoCo version, "2.2.2".
    static var mujocoVersion: String {
        let version = Int(cmj_version())
        return "\(version / 100).\(version / 10 % 10).\(version % 10)"
    }

    /// A note for a run resumed with other OpenBLAS kernels than those that trained its last iteration: families
    /// may round differently (Prescott's and Haswell's do; Zen's and Haswell's gave the same bits in the one run
    /// compared), so from here its results may differ in the last bits from an uninterrupted run's. Nil when the
    /// families are the same.
    static func kernelChangeNote(previous: String, current: String, cpuFlags: Set<String>) -> String? {
        guard previous.lowercased() != current.lowercased() else { return nil }
        let note =
            "note: this run's last iteration was trained with OpenBLAS's \(previous) kernels and it resumes with "
            + "\(current) ones, so from here its results may differ in the last bits from an uninterrupted run's; "
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
    /// The known families, fastest first, with the /proc/cpuinfo flags each needs.
    static let families: [(name: String, flags: Set<String>)] = [
        ("Cooperlake", ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"]),
        ("SkylakeX", ["avx512f", "avx512bw", "avx512dq", "avx512vl"]),
        ("Haswell", ["avx2", "fma"]),
        ("Zen", ["avx2", "fma"]),
        ("Sandybridge", ["avx"]),
        ("Nehalem", ["sse4_2"]),
        ("Penryn", ["sse4_1"]),
        ("Core2", ["ssse3"]),
        ("Prescott", ["pni"]),
    ]

    /// Whether a CPU with `cpuFlags` can run the kernel family `name` (any case); nil for a family not known here.
    static func runnable(_ name: String, cpuFlags: Set<String>) -> Bool? {
        families.first { $0.name.lowercased() == name.lowercased() }.map { $0.flags.isSubset(of: cpuFlags) }
    }

    /// The known families a CPU with `cpuFlags` can run, fastest first.
    static func runnable(cpuFlags: Set<String>) -> [String] {
        families.filter { $0.flags.isSubset(of: cpuFlags) }.map(\.name)
    }
}
