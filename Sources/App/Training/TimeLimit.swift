import ArgumentParser
import Cluster
import Core

/// `train --time-limit`: a wall-clock budget for this process. At each safe point (every file of the iteration
/// written) the run stops when the next iteration, estimated from this process's own iterations, would end past
/// the budget; the next process continues it with `--resume`. For batch jobs: the run ends between iterations,
/// before the scheduler's kill would cut one off.
struct TimeLimit: Equatable, ExpressibleByArgument {
    /// Exit status of a run stopped by its time limit: EX_TEMPFAIL of sysexits.h, "try again later" (a resume).
    static let exitCode: Int32 = 75

    /// The budget, in seconds (> 0).
    let seconds: Double

    init(seconds: Double) {
        precondition(seconds > 0 && seconds.isFinite, "a time limit must be a positive number of seconds")
        self.seconds = seconds
    }

    /// `5400` or `5400s`, `90m`, `3h30m`, `1h30m20s`, `2d`, `1.5h`, or a batch scheduler's clock form (Slurm's
    /// `--time`: `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`; PBS's `walltime`); nil for anything else,
    /// zero included. A bare number is seconds (Slurm reads one as minutes).
    init?(argument: String) {
        guard let seconds = Self.seconds(in: argument.trimmingCharacters(in: .whitespaces)), seconds > 0 else {
            return nil
        }
        self.init(seconds: seconds)
    }

    /// Parses `--time-limit`; the error names the forms.
    static let argument: @Sendable (String) throws -> TimeLimit = { text in
        guard let limit = TimeLimit(argument: text) else {
            throw ArgumentReason(
                text: "expected a positive duration such as 3h30m, 90m, 5400 (seconds), 4:00:00 or 1-12:00:00")
        }
        return limit
    }

    /// The seconds a duration text gives (nil when it is not one).
    static func seconds(in text: String) -> Double? {
        if text.contains(":") || text.contains("-") { return clockSeconds(text) }
        return unitSeconds(text)
    }

    /// `3h30m`, `90m`, `45s`, `2d`, `5400`, `1.5h`, `0.5s`: numbers (a decimal part allowed) with units d, h, m, s
    /// in that order, each at most once; a bare number is seconds.
    private static func unitSeconds(_ text: String) -> Double? {
        if let bare = decimal(Substring(text)) { return bare }
        let units: [(Character, Double)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var total = 0.0, digits = "", next = 0
        for character in text {
            if character.isASCII && (character.isNumber || character == ".") {
                digits.append(character)
                continue
            }
            guard let index = units[next...].firstIndex(where: { $0.0 == character }),
                let value = decimal(Substring(digits))
            else { return nil }
            total += value * units[index].1
            digits = ""
            next = index + 1
        }
        return digits.isEmpty && !text.isEmpty ? total : nil
    }

    /// A number written as 1 to 9 ASCII digits, optionally with a point and 1 to 9 more (no sign, no exponent).
    private static func decimal(_ text: Substring) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard number(parts[0]) != nil, parts.count == 1 || number(parts[1]) != nil else { return nil }
        return Double(text)
    }

    /// Slurm's forms with a colon or a dash: `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS` (fields after
    /// the first below 60).
    private static func clockSeconds(_ text: String) -> Double? {
        var days = 0
        var rest = Substring(text)
        if let dash = text.firstIndex(of: "-") {
            guard let value = number(text[..<dash]) else { return nil }
            days = value
            rest = text[text.index(after: dash)...]
        }
        let fields = rest.split(separator: ":", omittingEmptySubsequences: false).map(number)
        guard fields.count <= 3, fields.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = fields.map { $0! }
        guard numbers.dropFirst().allSatisfy({ $0 < 60 }) else { return nil }
        // after a day field the first is hours; without one (so with a colon) two fields are minutes:seconds
        let weights: [Double]
        switch (text.contains("-"), numbers.count) {
        case (true, 1): weights = [3_600]
        case (true, 2): weights = [3_600, 60]
        case (false, 2): weights = [60, 1]
        default: weights = [3_600, 60, 1]
        }
        return Double(days) * 86_400 + zip(numbers, weights).reduce(0) { $0 + Double($1.0) * $1.1 }
    }

    /// A whole number written with 1 to 9 ASCII digits (no sign), nil for anything else.
    private static func number(_ text: Substring) -> Int? {
        guard (1...9).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// The expected length of the next iteration: the longest of this process's iterations, or the trend through
    /// them (``ProgressDisplay/projectedSeconds(of:count:)``, as the ETA reads it) where that is longer.
    static func nextIterationSeconds(after durations: [Double]) -> Double {
        max(durations.max() ?? 0, ProgressDisplay.projectedSeconds(of: durations, count: 1))
    }
}

/// What the ranks agreed at a safe point: whether a stop signal reached any of them, and whether the time limit
/// stops the run on any of them (with the clock of the rank it stops furthest past the limit, for the message).
struct StopRequest {
    let signal: Bool
    let timeLimit: Bool
    /// The limit's seconds, the seconds since `train` started and the next iteration's expected length (on the
    /// rank the time limit stops furthest past it; on this rank when it stops none).
    let limit: Double?
    let elapsed: Double
    let nextIteration: Double

    /// The exit status to stop with (a signal's before the time limit's), nil to go on.
    var exitCode: Int32? { signal ? Interruption.exitCode : timeLimit ? TimeLimit.exitCode : nil }

    /// Why the run stops, for its last line.
    var reason: String {
        guard !signal, let limit else { return "interrupted" }
        return "time limit (\(Self.text(elapsed)) of \(Self.text(limit)) used; the next iteration could take "
            + "\(Self.text(nextIteration)))"
    }

    /// A time as ``duration(_:)`` writes it, with tenths below 10 s and thousandths below 0.1 s (where whole
    /// seconds would round a short limit to nothing).
    static func text(_ seconds: Double) -> String {
        seconds < 0.0995
            ? "\(format(seconds, decimals: 3))s"
            : seconds < 9.95 ? "\(format(seconds, decimals: 1))s" : duration(seconds)
    }
}

/// The end of every iteration, where all of the iteration's files are written: times the iteration and asks the
/// ranks, in one exchange, whether a signal or the time limit stops the run there.
final class SafePoint {
    let communicator: any Communicator
    let timeLimit: TimeLimit?
    /// When `train` started, on the monotonic clock.
    let started: Double
    /// This process's iterations, in seconds (the last from its start to its safe point).
    private(set) var durations: [Double] = []

    /// Whether a stop signal arrived (``Interruption/isRequested``; tests give their own).
    let signalled: () -> Bool

    init(
        communicator: any Communicator, timeLimit: TimeLimit?, started: Double,
        signalled: @escaping () -> Bool = { Interruption.isRequested }
    ) {
        self.communicator = communicator
        self.timeLimit = timeLimit
        self.started = started
        self.signalled = signalled
    }

    /// Records the iteration that began at `iterationStarted` and returns what the ranks agree.
    func reached(iterationStarted: Double, now: Double = monotonicSeconds()) -> StopRequest {
        durations.append(now - iterationStarted)
        return agreed(now: now, nextIteration: TimeLimit.nextIterationSeconds(after: durations))
    }

    /// Before a resumed run's first iteration, with a time limit: whether the run's last logged iteration
    /// (`lastLogged`, its `Time-Itr`) would already end past the limit, so that nothing should start; nil without
    /// a time limit or a logged iteration (no exchange then: a new run always runs one iteration).
    func opening(lastLogged: Double?, now: Double = monotonicSeconds()) -> StopRequest? {
        guard timeLimit != nil, let lastLogged, lastLogged.isFinite, lastLogged >= 0 else { return nil }
        return agreed(now: now, nextIteration: lastLogged)
    }

    /// One exchange: a stop signal on any rank, or the time limit passed on any rank if an iteration of
    /// `nextIteration` seconds started now. The message's times are those of the rank that would end furthest past
    /// the limit (this rank's when none would), so that they explain the stop whichever rank decided it.
    private func agreed(now: Double, nextIteration: Double) -> StopRequest {
        let elapsed = now - started
        let outOfTime = timeLimit.map { elapsed + nextIteration > $0.seconds } ?? false
        let mine = [signalled() ? 1 : 0, outOfTime ? 1 : 0, elapsed, nextIteration]
        let all = communicator.allGather(mine)
        precondition(all.allSatisfy { $0.count == mine.count }, "a rank sent a safe point of another shape")
        let late = all.filter { $0[1] == 1 }
        let clock = late.max { $0[2] + $0[3] < $1[2] + $1[3] } ?? mine
        return StopRequest(
            signal: all.contains { $0[0] == 1 }, timeLimit: !late.isEmpty, limit: timeLimit?.seconds,
            elapsed: clock[2], nextIteration: clock[3])
    }
}
