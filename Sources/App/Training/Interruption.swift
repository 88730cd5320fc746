import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C presses since ``Interruption/install()``. The signal handler only adds to it (plus, on the second press,
/// an async-signal-safe `write` and `_exit`); the training loop reads it at its safe point.
let interruptionCount = Atomic<Int>(0)

/// Exit status of a run stopped by Ctrl-C (128 + SIGINT, the shell's convention).
let interruptedExitCode: Int32 = 130

/// Stops training cleanly on Ctrl-C: the first SIGINT asks the loop to stop after the current iteration's files are
/// written; a second one exits at once.
enum Interruption {
    /// Installs the SIGINT handler (replacing the default, which would kill the process mid-write).
    static func install() {
        var action = sigaction()
        #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = interruptionHandler
        #else
            action.__sigaction_u.__sa_handler = interruptionHandler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
    }

    /// Restores the default SIGINT behaviour and forgets earlier presses.
    static func uninstall() {
        signal(SIGINT, SIG_DFL)
        interruptionCount.store(0, ordering: .relaxed)
    }

    /// Whether Ctrl-C was pressed: the loop must stop at its next safe point, after every file of the current
    /// iteration (progress rows, TensorBoard event, checkpoint) is written.
    static var isRequested: Bool { interruptionCount.load(ordering: .relaxed) > 0 }
}

/// The SIGINT handler: counts, tells the user what happens, and exits on the second press.
private func interruptionHandler(_: Int32) {
    let previous = interruptionCount.add(1, ordering: .relaxed).oldValue
    if previous == 0 {
        writeToStandardError(
            "\nCtrl-C: stopping after this iteration's results are written (press Ctrl-C again to quit at once)\n")
    } else {
        writeToStandardError("\nCtrl-C again: quitting now; this iteration's results are lost\n")
        _exit(interruptedExitCode)
    }
}

/// Writes a literal with `write(2)` (async-signal-safe: no allocation, no locks).
private func writeToStandardError(_ message: StaticString) {
    message.withUTF8Buffer { buffer in _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count) }
}
