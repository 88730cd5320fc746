import Core
import Testing

@testable import App

/// `train --time-limit`: the durations it reads and when it stops a run.
struct TimeLimitTests {
    @Test(arguments: [
        ("5400", 5_400.0), ("5400s", 5_400), ("90m", 5_400), ("3h30m", 12_600), ("1h30m20s", 5_420), ("2d", 172_800),
        ("1d12h", 129_600), ("45s", 45), (" 2h ", 7_200), ("4:00:00", 14_400), ("30:00", 1_800), ("30", 30),
        ("90", 90), ("1-12:00:00", 129_600), ("1-12", 129_600), ("1-12:30", 131_400), ("0-00:05:00", 300),
        ("7", 7), ("0:30", 30), ("12:00", 720), ("1.5h", 5_400), ("0.5s", 0.5), ("0.25", 0.25), ("1h0.5m", 3_630),
    ])
    func durationsParse(text: String, seconds: Double) throws {
        let limit = try #require(TimeLimit(argument: text))
        #expect(limit.seconds == seconds)
    }

    /// A bare number is seconds (not Slurm's minutes); with a colon, Slurm's reading: two fields are minutes:seconds.
    @Test func bareNumberIsSecondsButClockFormIsSlurms() {
        #expect(TimeLimit.seconds(in: "30") == 30)
        #expect(TimeLimit.seconds(in: "30:00") == 1_800)
        #expect(TimeLimit.seconds(in: "1:00:00") == 3_600)
    }

    @Test(arguments: [
        "", "0", "0s", "0:00", "h", "1h30", "30m1h", "1h1h", "1.5.3h", ".5h", "5.h", "1e3", "1:30.5", "-5", "1:60:00",
        "1:2:3:4", "abc", "1-", "m30",
        "1-2-3", "1h 30m", "99999999999h", ":30", "1:", "+5",
    ])
    func malformedDurationsAreRefused(text: String) {
        #expect(TimeLimit(argument: text) == nil)
    }

    /// The message of a refused value names the forms.
    @Test func refusalNamesTheForms() {
        #expect(throws: ArgumentReason.self) { try TimeLimit.argument("90x") }
        #expect((try? TimeLimit.argument("90m")) == TimeLimit(seconds: 5_400))
    }

    /// The next iteration is expected to take the longest so far, or the trend's next value where that is longer.
    @Test func nextIterationIsTheLongestOrTheTrend() {
        #expect(TimeLimit.nextIterationSeconds(after: []) == 0)
        #expect(TimeLimit.nextIterationSeconds(after: [50, 10]) == 50)
        // the first (random-data) iteration left out, 20, 30, 40 extend to 50
        #expect(TimeLimit.nextIterationSeconds(after: [10, 20, 30, 40]) == 50)
        #expect(TimeLimit.nextIterationSeconds(after: [90, 20, 30, 40]) == 90)
    }

    /// It stops exactly when the elapsed time plus the expected next iteration passes the limit.
    @Test func stopsWhenTheNextIterationWouldEndPastTheLimit() {
        func stops(at now: Double, after durations: [Double]) -> Bool {
            let point = SafePoint(
                communicator: SingleProcess.shared, timeLimit: TimeLimit(seconds: 130), started: 0,
                signalled: { false })
            var start = now - durations.reduce(0, +)
            return durations.map { duration in
                start += duration
                return point.reached(iterationStarted: start - duration, now: start).timeLimit
            }.last!
        }
        #expect(!stops(at: 100, after: [30]))
        #expect(stops(at: 100.5, after: [30]))
        #expect(stops(at: 100, after: [40, 20]))
        #expect(!stops(at: 100, after: [30, 20]))
    }

    /// Before a resumed run's first iteration: its last logged iteration is the estimate; without a time limit or a
    /// logged iteration there is no check at all.
    @Test func openingReadsTheLastLoggedIteration() throws {
        let point = SafePoint(
            communicator: SingleProcess.shared, timeLimit: TimeLimit(seconds: 600), started: 0, signalled: { false })
        #expect(point.opening(lastLogged: nil, now: 10) == nil)
        #expect(try #require(point.opening(lastLogged: 590, now: 10)).exitCode == nil)
        let refused = try #require(point.opening(lastLogged: 591, now: 10))
        #expect(refused.exitCode == TimeLimit.exitCode)
        #expect(refused.reason == "time limit (10s of 10m 00s used; the next iteration could take 9m 51s)")
        #expect(point.durations.isEmpty)
        let unlimited = SafePoint(
            communicator: SingleProcess.shared, timeLimit: nil, started: 0, signalled: { false })
        #expect(unlimited.opening(lastLogged: 1e9, now: 10) == nil)
    }

    /// The safe point times each iteration from its start to the safe point and stops the run when the limit is
    /// near, with exit status 75 and a message that says what was used and what the next iteration would need.
    @Test func safePointStopsAtTheLimit() {
        let point = SafePoint(
            communicator: SingleProcess.shared, timeLimit: TimeLimit(seconds: 100), started: 0, signalled: { false })
        let first = point.reached(iterationStarted: 1, now: 41)
        #expect(first.exitCode == nil && !first.timeLimit)
        let second = point.reached(iterationStarted: 41, now: 91)
        #expect(point.durations == [40, 50])
        #expect(second.timeLimit && !second.signal && second.exitCode == TimeLimit.exitCode)
        #expect(second.reason == "time limit (1m 31s of 1m 40s used; the next iteration could take 50s)")
        let unlimited = SafePoint(
            communicator: SingleProcess.shared, timeLimit: nil, started: 0, signalled: { false })
        #expect(unlimited.reached(iterationStarted: 0, now: 1e9).exitCode == nil)
    }

    /// Over several ranks the stop is agreed, and the message gives the times of the rank that the limit stops
    /// furthest past it, whichever rank prints it: here rank 1 (80 s used, a 30 s iteration next, past the 100 s
    /// limit) decides, while rank 0's own clock (50 s, 10 s) would not stop. A signal on another rank stops too.
    @Test func theStoppingRanksClockExplainsTheStop() {
        final class OtherRank: Communicator {
            let other: [Double]
            init(_ other: [Double]) { self.other = other }
            var rank: Int { 0 }
            var size: Int { 2 }
            func allGather(_ block: [Double]) -> [[Double]] { [block, other] }
        }
        func point(_ other: [Double]) -> SafePoint {
            SafePoint(
                communicator: OtherRank(other), timeLimit: TimeLimit(seconds: 100), started: 0, signalled: { false })
        }
        let stop = point([0, 1, 80, 30]).reached(iterationStarted: 40, now: 50)
        #expect(stop.timeLimit && !stop.signal && stop.exitCode == TimeLimit.exitCode)
        #expect(stop.reason == "time limit (1m 20s of 1m 40s used; the next iteration could take 30s)")
        // the later of two stopping ranks; none stopping keeps this rank's times and goes on
        let both = point([0, 1, 95, 1]).reached(iterationStarted: 20, now: 95)
        #expect(both.timeLimit && both.elapsed == 95 && both.nextIteration == 75)
        let neither = point([0, 0, 60, 20]).reached(iterationStarted: 40, now: 50)
        #expect(neither.exitCode == nil && neither.elapsed == 50 && neither.nextIteration == 10)
        let signalled = point([1, 0, 60, 20]).reached(iterationStarted: 40, now: 50)
        #expect(signalled.signal && signalled.exitCode == Interruption.exitCode)
    }

    /// Short times read in tenths; a signal comes before the time limit: its exit status and the plain "interrupted".
    @Test func signalComesBeforeTheTimeLimit() {
        let short = StopRequest(signal: false, timeLimit: true, limit: 0.1, elapsed: 0.84, nextIteration: 0.31)
        #expect(short.reason == "time limit (0.8s of 0.1s used; the next iteration could take 0.3s)")
        let both = StopRequest(signal: true, timeLimit: true, limit: 60, elapsed: 59, nextIteration: 5)
        #expect(both.exitCode == Interruption.exitCode && both.exitCode != TimeLimit.exitCode)
        #expect(both.reason == "interrupted")
        let signalled = SafePoint(
            communicator: SingleProcess.shared, timeLimit: TimeLimit(seconds: 1e6), started: 0, signalled: { true })
        let stop = signalled.reached(iterationStarted: 0, now: 1)
        #expect(stop.signal && !stop.timeLimit && stop.exitCode == Interruption.exitCode)
    }
}
