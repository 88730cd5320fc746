import CMuJoCo
import Core
import Foundation
import Sim
import Testing

@testable import Viewer

/// Every test that makes an OpenGL context (EGL or GLFW) runs in this suite, one at a time: software OpenGL
/// contexts are per thread and heavy, and the GLFW tests change the process's DISPLAY.
@Suite("OpenGL", .serialized)
struct OpenGLTests {}

/// Loads `id`, resets with seed 0 and takes `steps` uniform random actions (seed 7).
func environmentAfterRandomSteps(_ id: EnvironmentID, steps: Int) throws -> any MuJoCoEnvironment {
    let environment = try id.make()
    var rng = SplitMix64(seed: 0)
    _ = environment.reset(using: &rng)
    let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: 7)
    // stop in the last state inside the episode (Ant-v5 jumps out of its healthy range within 30 random steps)
    for _ in 0..<steps {
        let (qpos, qvel) = (Array(environment.simulation.qpos), Array(environment.simulation.qvel))
        if try environment.step(policy.action(observation: [])).end != .running {
            try environment.simulation.setState(qpos: qpos, qvel: qvel)
            break
        }
    }
    return environment
}

extension OpenGLTests {
    @Suite("Headless rendering (EGL)")
    struct HeadlessRenderingTests {
        /// Each task at 64×64 with the default (robot-following) camera: the frame has contrast and many colours
        /// (a blank frame has σ 0 and one colour), and the segmentation pass finds the robot's bodies covering a
        /// sizeable, roughly centred part of it, whole (its bounding box does not reach the border).
        @Test(arguments: EnvironmentID.allCases)
        func frameShowsTheRobot(id: EnvironmentID) throws {
            let environment = try environmentAfterRandomSteps(id, steps: 30)
            let renderer = try OffscreenRenderer(model: environment.simulation.model, width: 64, height: 64)
            if id == .antV5 {
                // ant.xml's own "track" camera frames the paper task's bent-leg start pose; Ant-v5 stands on
                // straight legs, whose feet reach the lower border of that view, so this view follows the torso
                renderer.scene.select(camera: .tracking(body: 1))
            }
            let data = environment.simulation.data.pointer
            let image = renderer.render(data: data)
            let statistics = ImageStatistics(image)
            #expect(statistics.luminanceDeviation > 15, "\(id): luminance σ \(statistics.luminanceDeviation)")
            #expect(statistics.distinctColors > 50, "\(id): \(statistics.distinctColors) colours")

            let mask = renderer.bodyMask(data: data)
            let robot = RobotFootprint(mask: mask, width: 64, height: 64)
            // the world body (floor) must be drawn too, and every robot body id must exist in the model
            #expect(mask.contains(0), "\(id): no floor pixels")
            #expect(mask.allSatisfy { $0 < environment.simulation.model.nbody }, "\(id): unknown body ids")
            #expect(robot.fraction > 0.02 && robot.fraction < 0.6, "\(id): robot covers \(robot.fraction)")
            // the whole robot is in view: its bounding box stays off the image border
            #expect(
                robot.minX >= 1 && robot.maxX <= 62 && robot.minY >= 1 && robot.maxY <= 62,
                "\(id): robot box x \(robot.minX)…\(robot.maxX), y \(robot.minY)…\(robot.maxY)")
            #expect(robot.centroidX > 0.25 && robot.centroidX < 0.75, "\(id): robot centroid x \(robot.centroidX)")
            #expect(robot.centroidY > 0.2 && robot.centroidY < 0.8, "\(id): robot centroid y \(robot.centroidY)")
            #expect(robot.maxX - robot.minX >= 8, "\(id): robot only \(robot.maxX - robot.minX + 1) px wide")
        }

        /// Half-cheetah at 64×64 against the stored reference frame. Tolerance: mean absolute difference ≤ 1.0
        /// (of 255) per channel, and ≤ 1 % of pixels differing by more than 32 in any channel (room for another
        /// Mesa version's rounding, none for a moved robot or camera). Set MBMPO_RECORD_FIXTURES=1 to rewrite it.
        @Test func halfCheetahMatchesReferenceFrame() throws {
            let environment = try environmentAfterRandomSteps(.halfCheetah, steps: 30)
            let renderer = try OffscreenRenderer(model: environment.simulation.model, width: 64, height: 64)
            let image = renderer.render(data: environment.simulation.data.pointer)
            let path = fixturePath("half-cheetah-64.ppm")
            if ProcessInfo.processInfo.environment["MBMPO_RECORD_FIXTURES"] == "1" {
                try PPM.encode(image).write(to: URL(fileURLWithPath: path))
            }
            let reference = try #require(
                PPM.decode(Data(contentsOf: URL(fileURLWithPath: path))),
                "reference frame \(path) missing or unreadable")
            #expect(reference.width == 64 && reference.height == 64)
            var totalDifference = 0, largeDifferences = 0
            for pixel in 0..<64 * 64 {
                var largest = 0
                for channel in 0..<3 {
                    let d = abs(Int(image.pixels[pixel * 3 + channel]) - Int(reference.pixels[pixel * 3 + channel]))
                    totalDifference += d
                    largest = max(largest, d)
                }
                if largest > 32 { largeDifferences += 1 }
            }
            let meanDifference = Double(totalDifference) / Double(64 * 64 * 3)
            #expect(meanDifference <= 1.0, "mean absolute difference \(meanDifference)")
            #expect(Double(largeDifferences) <= 0.01 * 64 * 64, "\(largeDifferences) pixels differ by more than 32")
        }

        /// Replaying recorded qpos/qvel from a `[Trajectory]` draws exactly the frames of the live run.
        @Test(arguments: [EnvironmentID.hopper, .ant])
        func recordedStatesRenderLikeTheLiveRun(id: EnvironmentID) throws {
            let model = try id.loadModel()
            let environment = try id.make(model: model)
            let renderer = try OffscreenRenderer(model: model, width: 48, height: 48)
            let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: 3)
            let live = PolicyReplay(environment: environment, policy: policy, episodes: 2, seed: 5, horizon: 12)
            let liveDriver = try ReplayDriver(source: live)
            var trajectories: [Trajectory] = [], liveFrames: [Image] = []
            let simulation = environment.simulation
            while !liveDriver.isFinished {
                liveFrames.append(renderer.render(data: simulation.data.pointer))
                if liveDriver.step == 0 { trajectories.append(Trajectory()) }
                trajectories[trajectories.count - 1].qpos += Array(simulation.qpos)
                trajectories[trajectories.count - 1].qvel += Array(simulation.qvel)
                let (wasRunning, before) = (liveDriver.end == .running, liveDriver.episodeReturn)
                try liveDriver.advance()
                if wasRunning {
                    trajectories[trajectories.count - 1].rewards.append(liveDriver.episodeReturn - before)
                    trajectories[trajectories.count - 1].end = liveDriver.end
                }
            }
            #expect(trajectories.count == 2)
            let recorded = try RecordedReplay(
                name: id.rawValue, simulation: try Simulation(model: model, frameSkip: 1),
                trajectories: trajectories)
            let driver = try ReplayDriver(source: recorded)
            var frames: [Image] = []
            while !driver.isFinished {
                frames.append(renderer.render(data: recorded.simulation.data.pointer))
                try driver.advance()
            }
            #expect(frames.count == liveFrames.count)
            #expect(frames == liveFrames)
            #expect(driver.completedReturns.count == 2)
            for (a, b) in zip(driver.completedReturns, liveDriver.completedReturns) { #expect(abs(a - b) < 1e-9) }
        }

        /// `renderReplay` writes the first state, every `every`-th step and each episode's last state: episodes of
        /// 5 steps with every = 2 give frames at steps 0, 2, 4, 5, so 8 PNG files for 2 episodes.
        @Test func framesGoToNumberedPNGFiles() throws {
            let environment = try EnvironmentID.swimmer.make()
            let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: 1)
            let driver = try ReplayDriver(
                source: PolicyReplay(
                    environment: environment, policy: policy, episodes: 2,
                    seed: 1, horizon: 5))
            let renderer = try OffscreenRenderer(model: environment.simulation.model, width: 40, height: 30)
            let folder = try temporaryFolder() + "/frames"
            defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
            let sink = try PNGFolderSink(folder: folder)
            let summary = try renderReplay(driver: driver, renderer: renderer, sink: sink, every: 2, overlay: true)
            #expect(summary.frames == 8 && summary.episodes == 2)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(files == (0..<8).map { "frame-00000\($0).png" })
            let bytes = try Data(contentsOf: URL(fileURLWithPath: sink.path(ofFrame: 7)))
            #expect(Array(bytes.prefix(8)) == PNGEncoder.signature)
        }

        /// With ffmpeg on PATH, frames become an MP4 file (an ISO media file: "ftyp" box first).
        @Test(.enabled(if: VideoSink.findFFmpeg() != nil, "ffmpeg not on PATH: the MP4 path cannot run"))
        func framesGoToAnMP4File() throws {
            let environment = try EnvironmentID.hopper.make()
            let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: 1)
            let driver = try ReplayDriver(
                source: PolicyReplay(
                    environment: environment, policy: policy, episodes: 1,
                    seed: 1, horizon: 10))
            let renderer = try OffscreenRenderer(model: environment.simulation.model, width: 33, height: 25)
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let path = folder + "/clip.mp4"
            let sink = try VideoSink(path: path, width: 33, height: 25, framesPerSecond: 1 / environment.spec.dt)
            let summary = try renderReplay(driver: driver, renderer: renderer, sink: sink)
            #expect(summary.frames == 11)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(bytes.count > 100 && String(decoding: bytes[4..<8], as: UTF8.self) == "ftyp")
        }

        /// A size outside 1…8192 is refused before any OpenGL work.
        @Test(arguments: [(0, 64), (64, -1), (10_000, 64)])
        func badSizesAreRefused(width: Int, height: Int) throws {
            let model = try EnvironmentID.swimmer.loadModel()
            #expect(throws: RenderError.badSize(width: width, height: height, maximum: 8192)) {
                _ = try OffscreenRenderer(model: model, width: width, height: height)
            }
        }
    }
}

/// A model whose `<visual>` settings MuJoCo's renderer cannot take is refused before MuJoCo's rendering context is
/// made: znear 0 made `mjr_render` abort the process, numquads 100 000 crashed the GL driver.
@Suite struct VisualSettingsTests {
    @Test func unrenderableVisualSettingsAreRefusedWithTheSetting() throws {
        let model = try EnvironmentID.hopper.loadModel()
        #expect(SceneRenderer.visualProblem(model.pointer.pointee.vis) == nil)
        let pristine = model.pointer.pointee.vis
        let cases: [((inout mjVisual) -> Void, String)] = [
            ({ $0.map.znear = 0 }, "needs finite planes with 0 < znear < zfar"),
            ({ $0.map.zfar = $0.map.znear }, "needs finite planes with 0 < znear < zfar"),
            ({ $0.map.znear = .nan }, "needs finite planes with 0 < znear < zfar"),
            ({ $0.quality.numquads = 100_000 }, "<quality numquads=\"100000\"> must lie in 1…64"),
            ({ $0.quality.numslices = 0 }, "<quality numslices=\"0\"> must lie in 1…256"),
            ({ $0.quality.offsamples = 64 }, "<quality offsamples=\"64\"> must lie in 0…16"),
        ]
        for (change, expected) in cases {
            var vis = pristine
            change(&vis)
            let problem = SceneRenderer.visualProblem(vis)
            #expect(problem?.hasSuffix(expected) == true, "\(problem ?? "accepted")")
        }
        model.pointer.pointee.vis.map.znear = 0
        let error = #expect(throws: RenderError.self) { try SceneRenderer(model: model) }
        #expect(error.map { "\($0)" }?.hasPrefix("\(model.path): cannot render this model: <map znear=\"0.0\"") == true)
    }
}

/// An MP4 is written through a temporary file renamed over `--out` only when the encoder has finished well: a
/// failed or abandoned render leaves an existing video as it was, though ffmpeg truncates its output when it starts
/// (stand-in encoders that behave so: one finishes, one fails after writing part of its output).
@Suite struct VideoOutputTests {
    static func encoder(in folder: String, status: Int) throws -> String {
        let path = folder + "/ffmpeg-\(status)"
        // the output is the last argument: truncated at once, as ffmpeg does, then the frames are read to the end
        try "#!/bin/sh\nfor out; do :; done\nprintf partial > \"$out\"\ncat > /dev/null\nexit \(status)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func onlyAFinishedVideoReplacesTheExistingFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/clip.mp4"
        let frame = Image(width: 4, height: 2, pixels: [UInt8](repeating: 9, count: 24))
        func hiddenFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        }

        for abandon in [false, true] {
            try "old video".write(toFile: path, atomically: true, encoding: .utf8)
            let failing = try VideoSink(
                path: path, width: 4, height: 2, framesPerSecond: 25, encoder: try Self.encoder(in: folder, status: 1))
            try failing.write(frame)
            if !abandon {
                #expect(throws: VideoError.self) { try failing.finish() }
            }
            withExtendedLifetime(failing) {}
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "old video", "abandoned: \(abandon)")
        }
        #expect(try hiddenFiles().isEmpty)

        let working = try VideoSink(
            path: path, width: 4, height: 2, framesPerSecond: 25, encoder: try Self.encoder(in: folder, status: 0))
        try working.write(frame)
        try working.finish()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "partial")
        #expect(try hiddenFiles().isEmpty)
    }
}

/// Rendering PNG frames into a folder that holds an earlier, longer rendering leaves only this one's frames: the
/// stale `frame-NNNNNN.png` files numbered past it are removed, and any other file is kept.
@Suite struct FrameFolderTests {
    @Test func staleFramesOfALongerRenderingAreRemoved() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let frame = Image(width: 2, height: 1, pixels: [UInt8](repeating: 7, count: 6))
        let first = try PNGFolderSink(folder: folder)
        for _ in 0..<5 { try first.write(frame) }
        try first.finish()
        try "keep".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        try "keep".write(toFile: folder + "/frame-x.png", atomically: true, encoding: .utf8)
        let second = try PNGFolderSink(folder: folder)
        for _ in 0..<2 { try second.write(frame) }
        try second.finish()
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                == ["frame-000000.png", "frame-000001.png", "frame-x.png", "notes.txt"])
    }
}
