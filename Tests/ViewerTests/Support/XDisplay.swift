import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An X display for the GLFW tests: `DISPLAY` when it is set (as under `xvfb-run`), otherwise a private Xvfb
/// started once for the test process.
///
/// The Xvfb runs under a small shell that reads the test process's pipe: when the test process exits, the pipe
/// closes, the shell's `read` returns and it kills Xvfb, so no server is left behind even after a crash. Xvfb
/// picks a free display number itself (`-displayfd`); the wait for it is bounded (no hang).
enum XDisplay {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Whether a display can be had at all: DISPLAY is set, or Xvfb is on PATH.
    static var canProvide: Bool { !(ProcessInfo.processInfo.environment["DISPLAY"] ?? "").isEmpty || xvfb != nil }

    static let xvfb = findOnPath("Xvfb")

    /// The display name, starting Xvfb and setting DISPLAY on first use.
    static func name() throws -> String {
        try shared.get()
    }

    private static let shared: Result<String, Failure> = {
        if let display = ProcessInfo.processInfo.environment["DISPLAY"], !display.isEmpty { return .success(display) }
        guard let xvfb else { return .failure(Failure(description: "no DISPLAY and no Xvfb on PATH")) }
        return Result { try start(xvfb: xvfb) }.mapError { Failure(description: "\($0)") }
    }()

    /// Write end of the watcher shell's standard input, kept open for the life of the process: when the process
    /// ends (however it ends) the kernel closes it, the shell's `read` returns and it stops Xvfb.
    nonisolated(unsafe) private static var lifeline: Int32 = -1

    /// Starts the watcher shell with posix_spawn: pipes created close-on-exec (so no other child inherits the
    /// lifeline), and the signal mask and handlers reset (the test runner's threads block SIGTERM, and a child
    /// inherits that mask, which would make Xvfb ignore the shell's `kill`).
    private static func start(xvfb: String) throws -> String {
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1]
        guard pipe(&input) == 0, pipe(&output) == 0 else {
            throw Failure(description: "pipe failed: \(String(cString: strerror(errno)))")
        }
        for descriptor in input + output { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // -noreset: an X server resets when its last client disconnects, and a window opened during that reset
        // fails to connect (seen as an intermittent "Failed to open display")
        let script =
            "'\(xvfb)' -displayfd 3 -screen 0 1024x768x24 -nolisten tcp -noreset 3>&1 >/dev/null 2>&1 & "
            + "pid=$!; read _; kill $pid; wait $pid"
        let arguments = ["/bin/sh", "-c", script]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, environ)
        close(input[0])
        close(output[1])
        guard status == 0 else {
            throw Failure(description: "cannot start /bin/sh: \(String(cString: strerror(status)))")
        }
        lifeline = input[1]
        defer { close(output[0]) }
        // Xvfb writes its display number and a newline once it accepts connections
        var pollDescriptor = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while !text.contains("\n") {
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard remaining > 0, poll(&pollDescriptor, 1, remaining) > 0 else {
                throw Failure(description: "Xvfb did not report a display within 10 s")
            }
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = read(pollDescriptor.fd, &buffer, buffer.count)
            guard count > 0 else { throw Failure(description: "Xvfb exited before reporting a display") }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        let number = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Int(number) != nil else { throw Failure(description: "Xvfb reported '\(number)' as its display") }
        setenv("DISPLAY", ":\(number)", 1)
        return ":\(number)"
    }
}
