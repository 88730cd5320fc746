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

    // kept open for the life of the process: closing it stops the server
    nonisolated(unsafe) private static var lifeline: Pipe?

    private static func start(xvfb: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "'\(xvfb)' -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>&1 >/dev/null 2>&1 & pid=$!; "
                + "read _; kill $pid",
        ]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        lifeline = input
        // Xvfb writes its display number and a newline once it accepts connections
        var pollDescriptor = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
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
