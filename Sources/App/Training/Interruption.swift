import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Stop signals since ``Interruption/install()``. The signal handler only adds to it (plus, on the second Ctrl-C or
/// SIGTERM, an async-signal-safe `write` and `_exit`); the training loop reads it at its safe point.
let interruptionCount = Atomic<Int>(0)
/// Ctrl-Cs and SIGTERMs since ``Interruption/install()``: the second of them quits at once.
let escalatingCount = Atomic<Int>(0)
/// The first stop signal's number (0 before any).
let interruptionSignal = Atomic<Int32>(0)
/// Whether the handler keeps quiet about the first signal (ranks other than 0 of an MPI run: rank 0 speaks for all).
let interruptionQuiet = Atomic<Bool>(false)

/// Exit status of a run stopped by Ctrl-C (128 + SIGINT, the shell's convention).
let interruptedExitCode: Int32 = 130

/// Stops training cleanly on Ctrl-C, SIGTERM (what batch schedulers send before their kill at a time limit) and
/// SIGHUP (a closed terminal): the first asks the loop to stop after the current iteration's files are written; a
/// second Ctrl-C or SIGTERM exits at once. SIGHUP (which a closing terminal may deliver twice: the shell passes it
/// on, and the kernel sends it) and SIGUSR1 ask for the same stop but never quit: SIGUSR1 is what launchers pass on
/// (`mpirun`, `Benchmarks/paper_runs.sh`, a batch script's trap), so that a stop sent both to the whole job and
/// through its launcher still stops at the safe point.
enum Interruption {
    /// The signals handled. SIGUSR1 is the one `mpirun` passes on to every rank of an MPI run without ending the
    /// job (its own Ctrl-C and SIGTERM kill the ranks a second later, before they reach a safe point).
    static let signals = [SIGINT, SIGTERM, SIGHUP, SIGUSR1]

    /// Installs the handler (replacing the defaults, which would kill the process mid-write); `quiet`: say nothing
    /// about the first signal.
    static func install(quiet: Bool = false) {
        interruptionQuiet.store(quiet, ordering: .relaxed)
        var action = sigaction()
        #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = interruptionHandler
        #else
            action.__sigaction_u.__sa_handler = interruptionHandler
        #endif
        // one handler at a time: a second signal arriving inside the first's handler waits for it
        sigemptyset(&action.sa_mask)
        for signal in signals { sigaddset(&action.sa_mask, signal) }
        action.sa_flags = SA_RESTART
        for signal in signals { sigaction(signal, &action, nil) }
    }

    /// Restores the default behaviour and forgets earlier signals; `ignoringLauncherStops` leaves SIGUSR1 ignored
    /// (a finished run that a launcher's late stop reaches must not die of it while it closes).
    static func uninstall(ignoringLauncherStops: Bool = false) {
        for number in signals { signal(number, SIG_DFL) }
        if ignoringLauncherStops { signal(SIGUSR1, SIG_IGN) }
        interruptionCount.store(0, ordering: .relaxed)
        escalatingCount.store(0, ordering: .relaxed)
        interruptionSignal.store(0, ordering: .relaxed)
    }

    /// The exit status of a stopped run: 128 + the first signal's number (130 for Ctrl-C, 143 for SIGTERM).
    static var exitCode: Int32 {
        let signal = interruptionSignal.load(ordering: .relaxed)
        return signal > 0 ? 128 + signal : interruptedExitCode
    }

    /// Whether Ctrl-C was pressed: the loop must stop at its next safe point, after every file of the current
    /// iteration (progress rows, TensorBoard event, checkpoint) is written.
    static var isRequested: Bool { interruptionCount.load(ordering: .relaxed) > 0 }
}

/// The handler: counts, tells the user what happens, and exits on the second Ctrl-C or SIGTERM.
private func interruptionHandler(_ signal: Int32) {
    let previous = interruptionCount.add(1, ordering: .relaxed).oldValue
    let escalating = signal == SIGINT || signal == SIGTERM
    let escalations = escalating ? escalatingCount.add(1, ordering: .relaxed).newValue : 0
    if previous == 0 {
        interruptionSignal.store(signal, ordering: .relaxed)
        if interruptionQuiet.load(ordering: .relaxed) {
            return
        } else if signal == SIGINT {
            writeToStandardError(
                "\nCtrl-C: stopping after this iteration's results are written (press Ctrl-C again to quit at once)\n")
        } else if signal == SIGTERM {
            writeToStandardError(
                "\nSIGTERM: stopping after this iteration's results are written (another SIGTERM quits at once)\n")
        } else {
            writeToStandardError(
                "\nSIGHUP or SIGUSR1: stopping after this iteration's results are written (Ctrl-C twice quits at once)\n"
            )
        }
    } else if escalations >= 2 {
        writeToStandardError("\nstopped again: quitting now; this iteration's results are lost\n")
        _exit(128 + interruptionSignal.load(ordering: .relaxed))
    }
}

/// Writes a literal with `write(2)` (async-signal-safe: no allocation, no locks).
private func writeToStandardError(_ message: StaticString) {
    message.withUTF8Buffer { buffer in _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count) }
}
