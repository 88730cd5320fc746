import Foundation
import Plot
import Sim
import Viewer

/// What a finished run shows a newcomer without further commands: its learning curve (`learning-curve.png`, or
/// `.svg` where `rsvg-convert` is missing) and a picture strip of one episode of the final policy
/// (`final-policy.png`: six frames, 0 % … 100 % of the horizon, rendered headless), whose line gives the episode's
/// return and, for a planar robot, how much of it the torso spent upside down. Either part that cannot be made
/// (no EGL, no converter) is named with its reason instead; the run itself is complete in any case.
enum RunReport {
    /// Writes both files into `run` and returns one line per file: its path or why it is missing.
    static func write(run: URL, assets: String?) -> [String] {
        [learningCurve(run: run), pictureStrip(run: run, assets: assets)]
    }

    static func learningCurve(run: URL) -> String {
        do {
            let (svg, _) = try learningCurveSVG([try RunRecord(folder: run.path)])
            if findExecutable("rsvg-convert") != nil {
                let path = run.appendingPathComponent("learning-curve.png").path
                try renderChartPNG(svg, to: path)
                return "learning curve: \(path)"
            }
            let path = run.appendingPathComponent("learning-curve.svg").path
            try writeChart(svg, to: path)
            return "learning curve: \(path) (no rsvg-convert for PNG)"
        } catch {
            return "learning curve: not written (\(error))"
        }
    }

    static func pictureStrip(run: URL, assets: String?) -> String {
        let path = run.appendingPathComponent("final-policy.png").path
        do {
            let trained = try CheckpointPolicyReader().loadPolicy(run: run.path, checkpoint: nil, assets: assets)
            let environment = try trained.environment.make(
                assets: assets, timestep: trained.timestep, frameSkip: trained.frameSkip)
            let replay = PolicyReplay(environment: environment, policy: trained.policy, episodes: 1, seed: 0)
            let posture = TorsoPitch(model: replay.simulation.model).map { PostureCount(replay, pitch: $0) }
            let renderer = try OffscreenRenderer(
                model: replay.simulation.model, width: 320, height: 240, quality: .fast)
            let summary = try renderReplay(
                driver: ReplayDriver(source: posture ?? replay), renderer: renderer,
                sink: PictureStripSink(path: path), every: max(1, replay.horizon / 5))
            let episodeReturn = summary.returns.first.map { format($0, decimals: 1) } ?? "?"
            return "final policy: \(path) (\(summary.frames) frames of one episode, return \(episodeReturn)"
                + (posture.map { "; " + $0.text } ?? "") + ")"
        } catch {
            return "final policy: not rendered (\(error))"
        }
    }
}

/// Counts, while a replay plays, the states in which a planar robot's torso is upside down (``TorsoPitch``): the
/// start state of each episode and the state after every step, as `mbmpo eval` counts a recorded path's states.
final class PostureCount: ReplaySource {
    let inner: any ReplaySource
    let pitch: TorsoPitch
    private(set) var upsideDown = 0
    private(set) var states = 0

    init(_ inner: any ReplaySource, pitch: TorsoPitch) {
        (self.inner, self.pitch) = (inner, pitch)
    }

    var name: String { inner.name }
    var simulation: Simulation { inner.simulation }
    var episodeCount: Int { inner.episodeCount }
    var dt: Double { inner.dt }

    func startEpisode(_ index: Int) throws {
        try inner.startEpisode(index)
        count()
    }

    func step() throws -> ReplayStep {
        let result = try inner.step()
        count()
        return result
    }

    private func count() {
        states += 1
        if TorsoPitch.isUpsideDown(simulation.qpos[pitch.qposIndex]) { upsideDown += 1 }
    }

    /// "torso upside down in 3.5 % of its states", with ": the flipped gait" past half of them (eval's
    /// ``Eval/Posture`` rule, the states counted as one episode).
    var text: String {
        let posture = Eval.Posture([(upsideDown, states)])
        return "torso upside down in \(format(100 * posture.fraction, decimals: 1)) % of its states"
            + (posture.episodes > 0 ? ": the flipped gait" : "")
    }
}
