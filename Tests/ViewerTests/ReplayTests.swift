import Core
import Sim
import Testing

@testable import Viewer

@Suite("Replay sources and driver")
struct ReplayTests {
    /// Episodes run to the horizon (or the environment's end), the driver plays exactly the requested number and
    /// each return is the sum of that episode's step rewards.
    @Test(arguments: [EnvironmentID.halfCheetah, .hopper])
    func driverPlaysEveryEpisodeToItsEnd(id: EnvironmentID) throws {
        let environment = try id.make()
        let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: 4)
        let source = PolicyReplay(environment: environment, policy: policy, episodes: 3, seed: 9, horizon: 25)
        let driver = try ReplayDriver(source: source)
        var rewards: [[Double]] = [[]]
        var advances = 0
        while !driver.isFinished {
            let (running, before, episode) = (driver.end == .running, driver.episodeReturn, driver.episode)
            try driver.advance()
            advances += 1
            if running {
                rewards[episode].append(driver.episodeReturn - before)
                #expect(driver.step == rewards[episode].count && driver.step <= 25)
            } else if !driver.isFinished {
                #expect(driver.episode == episode + 1 && driver.step == 0 && driver.episodeReturn == 0)
                rewards.append([])
            }
        }
        #expect(driver.completedReturns.count == 3 && rewards.count == 3)
        for (recorded, steps) in zip(driver.completedReturns, rewards) {
            #expect(abs(recorded - steps.reduce(0, +)) < 1e-9)
            if id == .halfCheetah { #expect(steps.count == 25) }  // never ends early: the horizon cuts it
        }
        try driver.advance()  // a no-op once finished
        #expect(driver.isFinished && driver.completedReturns.count == 3)
        #expect(advances == rewards.map(\.count).reduce(0, +) + 3)
    }

    /// Same seeds, same returns; another seed, other returns.
    @Test func policyReplayIsDeterministic() throws {
        func returns(seed: UInt64) throws -> [Double] {
            let environment = try EnvironmentID.ant.make()
            let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: seed)
            let driver = try ReplayDriver(
                source: PolicyReplay(
                    environment: environment, policy: policy, episodes: 2,
                    seed: seed, horizon: 15))
            while !driver.isFinished { try driver.advance() }
            return driver.completedReturns
        }
        #expect(try returns(seed: 1) == returns(seed: 1))
        #expect(try returns(seed: 1) != returns(seed: 2))
    }

    /// Recorded trajectories whose state rows do not fit the model are refused with a one-line reason.
    @Test func recordedReplayChecksShapes() throws {
        let model = try EnvironmentID.hopper.loadModel()
        let simulation = try Simulation(model: model, frameSkip: 4)
        var good = Trajectory()
        good.rewards = [1, 2]
        good.qpos = [Double](repeating: 0, count: 3 * model.nq)
        good.qvel = [Double](repeating: 0, count: 3 * model.nv)
        var bad = good
        bad.qvel.removeLast()
        #expect(throws: ReplayError.noTrajectories) {
            _ = try RecordedReplay(name: "hopper", simulation: simulation, trajectories: [])
        }
        do {
            _ = try RecordedReplay(name: "hopper", simulation: simulation, trajectories: [good, bad])
            Issue.record("a trajectory with a missing qvel value was accepted")
        } catch let error as ReplayError {
            #expect("\(error)".hasPrefix("trajectory 1 cannot be replayed on this model"))
            #expect(!"\(error)".contains("\n"))
        }
        // an unfinished recording (.running) ends as a time limit; rewards and the state rows are replayed
        let driver = try ReplayDriver(
            source: RecordedReplay(
                name: "hopper", simulation: simulation,
                trajectories: [good]))
        while driver.end == .running { try driver.advance() }
        #expect(driver.end == .truncated && driver.step == 2 && driver.episodeReturn == 3)
        // --steps cuts a recorded episode as a time limit would, even one that terminated
        var terminated = good
        terminated.end = .terminated
        let cut = try ReplayDriver(
            source: RecordedReplay(name: "hopper", simulation: simulation, trajectories: [terminated], steps: 1))
        while cut.end == .running { try cut.advance() }
        #expect(cut.end == .truncated && cut.step == 1 && cut.episodeReturn == 1)
        let whole = try ReplayDriver(
            source: RecordedReplay(name: "hopper", simulation: simulation, trajectories: [terminated], steps: 5))
        while whole.end == .running { try whole.advance() }
        #expect(whole.end == .terminated && whole.step == 2 && whole.episodeReturn == 3)
        // an empty recording ends at once instead of looping
        var empty = Trajectory()
        empty.qpos = Array(good.qpos.prefix(model.nq))
        empty.qvel = Array(good.qvel.prefix(model.nv))
        let emptyDriver = try ReplayDriver(
            source: RecordedReplay(
                name: "hopper", simulation: simulation,
                trajectories: [empty]))
        try emptyDriver.advance()
        try emptyDriver.advance()
        #expect(emptyDriver.isFinished)
        // the recording's own step paces the replay (a run with other timing), else the simulation's
        #expect(try RecordedReplay(name: "hopper", simulation: simulation, trajectories: [good]).dt == 0.008)
        #expect(try RecordedReplay(name: "hopper", simulation: simulation, trajectories: [good], dt: 0.02).dt == 0.02)
    }

    @Test func overlayNamesEnvironmentEpisodeStepAndReturn() throws {
        let environment = try EnvironmentID.swimmer.make()
        let policy = UniformRandomPolicy(actionSize: 2, seed: 0)
        let driver = try ReplayDriver(
            source: PolicyReplay(
                environment: environment, policy: policy, episodes: 2,
                seed: 0))
        for _ in 0..<3 { try driver.advance() }
        let text = OverlayText.make(driver: driver, framesPerSecond: 59.6, extra: [("Camera", "tracking")])
        #expect(
            text.titles.split(separator: "\n") == [
                "Environment", "Episode", "Step", "Return", "Status", "FPS",
                "Camera",
            ])
        let values = text.values.split(separator: "\n").map(String.init)
        #expect(values[0] == "swimmer" && values[1] == "1 / 2" && values[2] == "3" && values[5] == "60")
        #expect(values[3] == OverlayText.fixed(driver.episodeReturn, decimals: 2))
        #expect(OverlayText.fixed(-0.004, decimals: 2) == "0.00" && OverlayText.fixed(-1.235, decimals: 1) == "-1.2")
        // a diverged episode's return: Swift's notation, where the Int conversion trapped
        #expect(OverlayText.fixed(-7.7e39, decimals: 2) == "-7.7e+39")
    }
}
