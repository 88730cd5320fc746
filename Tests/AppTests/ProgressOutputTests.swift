import Foundation
import Learner
import Storage
import Testing

@testable import App

/// progress.csv columns, the live display and the Ctrl-C flag.
@Suite(.serialized) struct ProgressOutputTests {
    func log(_ pairs: [(String, Double)]) -> IterationLog {
        var log = IterationLog()
        for (key, value) in pairs { log.record(key, value) }
        return log
    }

    /// A key that first appears in iteration 2 (as `EnvTrajs-*` do) becomes a column; row 1 is empty there.
    @Test func laterKeysAddColumns() throws {
        let folder = try TestFiles.temporaryFolder("progress")
        let writer = try ProgressWriter(url: folder.appendingPathComponent("progress.csv"))
        try writer.append(log([("Iteration", 0), ("n_timesteps", 5000)]))
        try writer.append(log([("Iteration", 1), ("EnvTrajs-AverageReturn", -1.5), ("n_timesteps", 9000)]))
        try writer.append(log([("Iteration", 2), ("n_timesteps", 13000)]))
        let text = TestFiles.text(folder.appendingPathComponent("progress.csv"))
        #expect(
            text == """
                Iteration,n_timesteps,EnvTrajs-AverageReturn
                0,5000,
                1,9000,-1.5
                2,13000,

                """)
    }

    /// Not a terminal: exactly one line per iteration, nothing for phases; quiet: only the final line.
    @Test func plainOutputIsOneLinePerIteration() {
        var printed = ""
        var now = 0.0
        let display = ProgressDisplay(
            iterations: 2, verbosity: .normal, interactive: false, width: 100,
            output: { printed += $0 }, clock: { now })
        display.phase("sampling")
        now = 10
        display.finished(log([("n_timesteps", 5000), ("PrePolicy-AverageReturn", -3.25), ("Time-Itr", 10)]))
        display.phase("model fit")
        #expect(printed == "itr 1/2 | steps 5000 | pre -3.3 | 10.0 s | ETA 10s\n")
        var quietText = ""
        let quiet = ProgressDisplay(
            iterations: 2, verbosity: .quiet, interactive: true, width: 100,
            output: { quietText += $0 }, clock: { 0 })
        quiet.phase("sampling")
        quiet.finished(log([("n_timesteps", 5000)]))
        quiet.done(folder: "/runs/x")
        #expect(quietText == "done in 0s; results in /runs/x/progress.csv\n")
    }

    /// The kernel hint appears only when the variable holds OpenBLAS to AVX2 kernels on an AVX-512 CPU.
    /// The ETA extends the trend of the iteration times (they grow with the model's buffer), not their mean.
    @Test func etaFollowsGrowingIterations() {
        // a random-data first iteration, then 10 s + 5 s per iteration: the next three take 30, 35, 40 s
        let durations = [3.0, 10, 15, 20, 25]
        #expect(abs(ProgressDisplay.projectedSeconds(of: durations, count: 3) - 105) < 1e-9)
        // the mean of the last iterations would say 3 × 17.5 = 52.5
        #expect(ProgressDisplay.projectedSeconds(of: durations, count: 0) == 0)
        // too few points: repeat the last
        #expect(ProgressDisplay.projectedSeconds(of: [3, 12], count: 4) == 48)
        // a falling trend is noise: never faster than flat
        #expect(abs(ProgressDisplay.projectedSeconds(of: [3, 20, 18, 16], count: 2) - 36) < 1e-9)
    }

    @Test func kernelNoteOnlyWhenAVX512KernelsAreForcedOff() {
        let avx512: Set<String> = ["fpu", "avx2", "avx512f"]
        let note = ProgressDisplay.kernelNote(coreName: "Haswell", forced: "Haswell", cpuFlags: avx512)
        #expect(note?.contains("OPENBLAS_CORETYPE=Haswell") == true)
        #expect(ProgressDisplay.kernelNote(coreName: "Haswell", forced: nil, cpuFlags: avx512) == nil)
        #expect(ProgressDisplay.kernelNote(coreName: "Haswell", forced: "Haswell", cpuFlags: ["avx2"]) == nil)
        #expect(ProgressDisplay.kernelNote(coreName: "SkylakeX", forced: "SkylakeX", cpuFlags: avx512) == nil)
        // a CPU OpenBLAS does not know: its fallback to pre-AVX2 kernels is named, with the family to choose
        let fallback = ProgressDisplay.kernelNote(coreName: "Prescott", forced: nil, cpuFlags: avx512)
        #expect(fallback?.contains("OPENBLAS_CORETYPE=SkylakeX") == true && fallback?.contains("Prescott") == true)
        let avx2Fallback = ProgressDisplay.kernelNote(coreName: "Prescott", forced: nil, cpuFlags: ["avx2"])
        #expect(avx2Fallback?.contains("OPENBLAS_CORETYPE=Haswell") == true)
        #expect(ProgressDisplay.kernelNote(coreName: "Prescott", forced: "Prescott", cpuFlags: avx512) == nil)
        #expect(ProgressDisplay.kernelNote(coreName: "Prescott", forced: nil, cpuFlags: ["sse3"]) == nil)
    }

    /// Which entry trained an iteration, read from run-info.json as `train` appends to it: the last start, resume or
    /// restart that began at or before the iteration, so that a resume that went back (retraining from an earlier
    /// checkpoint) takes over the iterations it ran again.
    @Test func theEntryOfAnIterationFollowsTheRunInfoEntries() throws {
        let folder = try TestFiles.temporaryFolder("kernels")
        #expect(RunInfo.trainingEntry(ofIteration: 0, in: folder) == nil)
        func entry(_ event: String, _ from: Int, _ kernels: String?) -> String {
            "{\"event\": \"\(event)\", \"fromIteration\": \(from), \"threads\": 2"
                + (kernels.map { ", \"openblasKernels\": \"\($0)\"" } ?? "") + "}"
        }
        let entries = [
            entry("start", 0, "Cooperlake"), entry("resume", 5, "Haswell"), entry("resume", 3, "SkylakeX"),
            entry("other", 4, "Zen"), entry("restart", 9, nil),
        ]
        try ("{\"format\": \"mbmpo-run-info 1\", \"entries\": [" + entries.joined(separator: ", ") + "]}")
            .write(to: folder.appendingPathComponent(RunInfo.fileName), atomically: true, encoding: .utf8)
        let found = (0..<11).map { RunInfo.trainingEntry(ofIteration: $0, in: folder) }
        #expect(found[0..<3].allSatisfy { $0?["openblasKernels"] == "Cooperlake" })
        // 3–8 were last trained by the entry that went back to 3 (Haswell's 5–8 were trained again); an event
        // that is not a training one counts for nothing
        #expect(found[3..<9].allSatisfy { $0?["openblasKernels"] == "SkylakeX" })
        // an entry without the field (an older binary's) knows nothing of it; non-string members are left out
        #expect(found[9] != nil && found[9]?["openblasKernels"] == nil && found[10]?["event"] == "restart")
        #expect(found[9]?["threads"] == nil)
        try "{not json".write(
            to: folder.appendingPathComponent(RunInfo.fileName), atomically: true, encoding: .utf8)
        #expect(RunInfo.trainingEntry(ofIteration: 0, in: folder) == nil)
    }

    /// Another OpenBLAS build or MuJoCo gets a note of its own; a kernel family named in OpenBLAS's build string
    /// is the kernels' note alone, and an entry that records none of them gets none.
    @Test func resumeNotesNameWhatChanged() {
        let build = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"
        let previous = ["openblasKernels": "Haswell", "openblas": build, "mujoco": "2.2.2"]
        func notes(_ kernels: String, _ openblas: String, _ mujoco: String) -> [String] {
            RunInfo.resumeNotes(
                previous: previous, kernels: kernels, openblas: openblas, mujoco: mujoco, cpuFlags: ["avx2", "fma"])
        }
        #expect(notes("Haswell", build, "2.2.2").isEmpty)
        let kernelsOnly = notes("Zen", build.replacingOccurrences(of: "Haswell", with: "Zen"), "2.2.2")
        #expect(kernelsOnly.count == 1 && kernelsOnly[0].contains("OPENBLAS_CORETYPE=Haswell resumes it exactly"))
        let newer = notes("Haswell", build.replacingOccurrences(of: "0.3.21", with: "0.3.26"), "3.1.0")
        #expect(
            newer == [
                "note: this run's last iteration was trained with \(build) where this process has "
                    + "\(build.replacingOccurrences(of: "0.3.21", with: "0.3.26")), and MuJoCo 2.2.2 where this "
                    + "process has 3.1.0, so from here its results may differ from an uninterrupted run's"
            ])
        #expect(RunInfo.resumeNotes(previous: ["threads": "2"], cpuFlags: []).isEmpty)
    }

    /// The resume note names the family to set when this CPU can run it, says so when it cannot, and stays quiet
    /// when nothing changed (the names compare without case, as OpenBLAS reads them).
    @Test func kernelChangeNoteSaysHowToResumeExactly() {
        let zen4: Set<String> = ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16", "pni"]
        let zen3: Set<String> = ["avx2", "fma", "pni", "ssse3", "sse4_1", "sse4_2", "avx"]
        #expect(RunInfo.kernelChangeNote(previous: "Cooperlake", current: "cooperlake", cpuFlags: zen4) == nil)
        let back = RunInfo.kernelChangeNote(previous: "Cooperlake", current: "Haswell", cpuFlags: zen4)
        #expect(back?.contains("OPENBLAS_CORETYPE=Cooperlake resumes it exactly") == true)
        #expect(back?.contains("resumes with Haswell ones") == true)
        let impossible = RunInfo.kernelChangeNote(previous: "SkylakeX", current: "Zen", cpuFlags: zen3)
        #expect(impossible?.contains("cannot run the SkylakeX kernels") == true)
        #expect(impossible?.contains("OPENBLAS_CORETYPE") == false)
        let unknown = RunInfo.kernelChangeNote(previous: "SapphireRapids", current: "Zen", cpuFlags: zen4)
        #expect(unknown?.contains("where the CPU can run them") == true)
        #expect(OpenBLASKernels.runnable("Haswell", cpuFlags: zen3) == true)
        #expect(OpenBLASKernels.runnable("Cooperlake", cpuFlags: zen4.subtracting(["avx512_bf16"])) == false)
        #expect(OpenBLASKernels.runnable("SkylakeX", cpuFlags: zen4.subtracting(["avx512f"])) == false)
        #expect(OpenBLASKernels.runnable("Prescott", cpuFlags: zen3) == true)
    }

    /// A resumed run counts on from its checkpoint: the line shows the row's own iteration, the bar the total done.
    @Test func resumedRunCountsFromItsCheckpoint() {
        var printed = ""
        let display = ProgressDisplay(
            iterations: 10, completed: 3, verbosity: .normal, interactive: false,
            width: 100, output: { printed += $0 }, clock: { 0 })
        #expect(display.statusLine(now: 0).contains(" 3/10 "))
        display.finished(log([("Iteration", 3), ("n_timesteps", 17000), ("Time-Itr", 5)]))
        #expect(printed.hasPrefix("itr 4/10 | steps 17000"))
        #expect(display.statusLine(now: 0).contains(" 4/10 "))
    }

    /// The status line: bar over iterations, ETA from the mean iteration time less the elapsed part, the phase
    /// with its elapsed time, the latest real return; redrawn in place.
    @Test func statusLine() {
        var printed = ""
        var now = 100.0
        let display = ProgressDisplay(
            iterations: 4, verbosity: .normal, interactive: true, width: 120,
            output: { printed += $0 }, clock: { now })
        #expect(display.statusLine(now: now) == "[░░░░░░░░░░░░░░░░░░░░] 0/4 | ETA … | starting 0s")
        now = 160
        display.finished(log([("n_timesteps", 5000), ("EnvTrajs-AverageReturn", 12.34), ("Time-Itr", 60)]))
        now = 170
        display.phase("meta-step 3/30")
        now = 175
        // 3 iterations left × 60 s, 15 s of the current one elapsed
        #expect(
            display.statusLine(now: now)
                == "[█████░░░░░░░░░░░░░░░] 1/4 | ETA 2m 45s | meta-step 3/30 5s | return 12.3")
        #expect(
            printed.hasSuffix("\r\u{1B}[K[█████░░░░░░░░░░░░░░░] 1/4 | ETA 2m 50s | meta-step 3/30 0s | return 12.3"))
        #expect(printed.contains("\r\u{1B}[Kitr 1/4 | steps 5000 | explore 12.3 | 60.0 s | ETA 3m 00s\n"))
        let narrow = ProgressDisplay(
            iterations: 4, verbosity: .normal, interactive: true, width: 40,
            output: { _ in }, clock: { 0 })
        #expect(narrow.statusLine(now: 0).count == 39)
    }

    /// Verbose: a line per phase and every metric of the iteration.
    @Test func verboseListsEveryMetric() {
        var printed = ""
        let display = ProgressDisplay(
            iterations: 1, verbosity: .verbose, interactive: false, width: 100,
            output: { printed += $0 }, clock: { 0 })
        display.phase("sampling")
        display.finished(log([("n_timesteps", 5000), ("AvgEpochsPerModel", 12), ("Time-Itr", 1.5)]))
        #expect(printed.hasPrefix("  [0.0 s] itr 1/1 sampling\nitr 1/1 | steps 5000 | fit 12 ep | 1.5 s | ETA 0s\n"))
        #expect(printed.hasSuffix("    n_timesteps = 5000\n    AvgEpochsPerModel = 12\n    Time-Itr = 1.5\n"))
    }

    /// SIGINT only sets the flag (the process goes on); uninstalling clears it. SIGUSR1, what launchers pass on,
    /// and SIGHUP, which a closing terminal may send twice, never count toward quitting: a stop sent to a whole job and passed on by its launcher (TERM directly, USR1
    /// through the launcher, in either order) still stops at the safe point. (One test, as both use the process's
    /// handler.)
    @Test func sigintSetsTheFlagAndLauncherSignalsNeverQuit() {
        Interruption.install()
        #expect(!Interruption.isRequested)
        // process-directed, as a terminal's Ctrl-C is: any thread that does not block SIGINT runs the handler
        kill(getpid(), SIGINT)
        for _ in 0..<200 where !Interruption.isRequested { usleep(5_000) }
        #expect(Interruption.isRequested)
        #expect(interruptionCount.load(ordering: .relaxed) == 1)
        Interruption.uninstall()
        #expect(!Interruption.isRequested)

        Interruption.install(quiet: true)
        for signal in [SIGUSR1, SIGTERM, SIGUSR1, SIGHUP] {
            let before = interruptionCount.load(ordering: .relaxed)
            kill(getpid(), signal)
            for _ in 0..<200 where interruptionCount.load(ordering: .relaxed) == before { usleep(5_000) }
        }
        // still here: a second TERM would have quit
        #expect(interruptionCount.load(ordering: .relaxed) == 4 && escalatingCount.load(ordering: .relaxed) == 1)
        #expect(Interruption.exitCode == 128 + SIGUSR1)
        Interruption.uninstall()
        #expect(escalatingCount.load(ordering: .relaxed) == 0)
    }

    /// Numbers in the live display and the summaries: fixed point, and past ±1e15 (a return of -7.7e39 from a
    /// diverging inner step used to trap converting to Int) Swift's own notation.
    @Test func formattingKeepsHugeNumbers() {
        #expect(format(1234.56, decimals: 1) == "1234.6" && format(-0.04, decimals: 1) == "0.0")
        #expect(format(-2.5, decimals: 2) == "-2.50" && format(7, decimals: 0) == "7")
        #expect(format(-7.7e39, decimals: 1) == "-7.7e+39" && format(1e16, decimals: 2) == "1e+16")
        #expect(format(.infinity, decimals: 1) == "inf" && format(.nan, decimals: 1) == "nan")
    }
}
