import Core
import Foundation
import Sim
import Testing

@Suite struct ErrorTests {
    @Test func unknownEnvironmentNameListsTheValidOnes() {
        #expect(throws: EnvironmentLookupError.unknown(name: "cheetah")) { try EnvironmentID(parsing: "cheetah") }
        let message = "\(EnvironmentLookupError.unknown(name: "cheetah"))"
        #expect(message.contains("half-cheetah") && message.contains("pr2") && !message.contains("\n"))
    }

    @Test func gymnasiumNamesParseOrGetTheirV5Task() throws {
        for id in EnvironmentID.gymnasiumTasks { #expect(try EnvironmentID(parsing: id.rawValue) == id) }
        let cases: [(String, String)] = [
            ("hopper-v5", "did you mean 'Hopper-v5'?"), ("HALFCHEETAH-V5", "did you mean 'HalfCheetah-v5'?"),
            ("Hopper-v4", "of Gymnasium's MuJoCo tasks only v5 is available: 'Hopper-v5'"),
            ("Walker2d-v3", "of Gymnasium's MuJoCo tasks only v5 is available: 'Walker2d-v5'"),
        ]
        for (given, reason) in cases {
            let error = EnvironmentLookupError.unknown(name: given)
            #expect(error.reason == reason, "\(given): \(error.reason)")
            #expect("\(error)" == "unknown environment '\(given)'; \(reason)")
        }
        // neither ours nor another version of ours: the list
        for given in ["HalfCheetah", "HalfCheetah-vX", "Humanoid-v5", "Pusher-v5"] {
            let reason = EnvironmentLookupError.unknown(name: given).reason
            #expect(reason.hasPrefix("choose one of: half-cheetah") && reason.hasSuffix("Reacher-v5"), "\(given)")
        }
    }

    @Test func missingModelFile() throws {
        do {
            _ = try MuJoCoModel(path: "/nonexistent/model.xml")
            Issue.record("loading a missing file did not throw")
        } catch let error as SimError {
            guard case .modelLoad(let path, let message) = error else { throw error }
            #expect(path == "/nonexistent/model.xml")
            #expect(!message.isEmpty)
        }
    }

    @Test func invalidXMLIsAnErrorNotAnExit() throws {
        let path = NSTemporaryDirectory() + "mbmpo-invalid-\(getpid()).xml"
        try "<mujoco><worldbody><body><geom type='sphere' size='0.1'/></body></worldbod></mujoco>"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SimError.self) { try MuJoCoModel(path: path) }
        // a schema error caught by the compiler, not the parser
        try "<mujoco><worldbody><geom type='box' size='-1 1 1' mass='-3'/></worldbody></mujoco>"
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SimError.self) { try MuJoCoModel(path: path) }
    }

    @Test(arguments: [
        ("<option timestep='0'/>", "the physics timestep must be finite and at least 1e-6 s, got 0.0"),
        ("<option timestep='nan'/>", "the physics timestep must be finite and at least 1e-6 s, got nan"),
        ("<option timestep='1e-320'/>", "the physics timestep must be finite and at least 1e-6 s"),
        ("<option gravity='0 0 inf'/>", "gravity must be finite, got [0.0, 0.0, inf]"),
        // action bounds come from the control ranges: NaN used to trap building them, ±inf gave NaN returns
        (
            "<actuator><motor joint='j' ctrllimited='true' ctrlrange='nan 1'/></actuator>",
            "actuator 0's ctrlrange must be finite, ordered and within ±1e6, got [nan, 1.0]"
        ),
        (
            "<actuator><motor joint='j' ctrllimited='true' ctrlrange='-inf inf'/></actuator>",
            "actuator 0's ctrlrange must be finite, ordered and within ±1e6, got [-inf, inf]"
        ),
        (
            "<actuator><motor joint='j' ctrllimited='true' ctrlrange='-1e300 1e300'/></actuator>",
            "actuator 0's ctrlrange must be finite, ordered and within ±1e6"
        ),
        ("<actuator><motor joint='j' gear='nan'/></actuator>", "actuator 0's gear must be finite, got [nan, 0.0"),
    ])
    func implausibleModelsAreRefused(option: String, expected: String) throws {
        // MuJoCo compiles these; training on them would never advance or would fill the data with NaN
        let path = NSTemporaryDirectory() + "mbmpo-implausible-\(getpid())-\(abs(option.hashValue)).xml"
        try
            "<mujoco>\(option)<worldbody><body><joint name='j' type='slide'/><geom type='sphere' size='0.1'/></body></worldbody></mujoco>"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try MuJoCoModel(path: path)
            Issue.record("accepted a model with \(option)")
        } catch let error as SimError {
            guard case .modelLoad(let where_, let message) = error else { throw error }
            #expect(where_ == path)
            #expect(message.hasPrefix(expected), "\(message)")
        }
    }

    @Test func modelOfTheWrongShapeIsRejected() throws {
        let swimmer = try Models.model(.swimmer)
        do {
            _ = try EnvironmentID.halfCheetah.make(model: swimmer)
            Issue.record("half-cheetah accepted the swimmer model")
        } catch let error as SimError {
            #expect("\(error)".contains("half-cheetah needs nq=9"))
        }
    }

    @Test func badActionsAreClearErrors() throws {
        let env = try Models.environment(.halfCheetah)
        var rng = SplitMix64(seed: 0)
        _ = env.reset(using: &rng)
        #expect(throws: EnvironmentError.wrongActionLength(expected: 6, got: 5)) { try env.step([0, 0, 0, 0, 0]) }
        #expect(throws: EnvironmentError.self) { try env.step([0, 0, .nan, 0, 0, 0]) }
        #expect(throws: EnvironmentError.self) { try env.step([0, 0, 0, .infinity, 0, 0]) }
        // the environment still works afterwards
        #expect(try env.step([0, 0, 0, 0, 0, 0]).end == .running)
    }

    @Test func divergenceEndsTheEpisodeWithoutPoisoningOthers() throws {
        let model = try Models.model(.hopper)
        let broken = try EnvironmentID.hopper.make(model: model)
        let healthy = try EnvironmentID.hopper.make(model: model)
        var rng = SplitMix64(seed: 0)
        _ = broken.reset(using: &rng)
        _ = healthy.reset(using: &rng)
        var qvel = Array(broken.simulation.qvel)
        qvel[3] = .nan
        for i in 0..<qvel.count { broken.simulation.qvel[i] = qvel[i] }
        let result = try broken.step([0, 0, 0])
        guard case .diverged(let reason) = result.end else {
            Issue.record("expected a diverged episode, got \(result.end)")
            return
        }
        #expect(!reason.isEmpty)
        #expect(result.reward == 0)
        let ok = try healthy.step([0.1, 0.1, 0.1])
        #expect(ok.end == .running && ok.observation.allSatisfy { $0.isFinite })
        // the broken environment recovers on reset
        let fresh = broken.reset(using: &rng)
        #expect(fresh.allSatisfy { $0.isFinite })
        #expect(try broken.step([0, 0, 0]).end == .running)
    }

    @Test func missingAssetFolderIsReported() {
        #expect(throws: SimError.self) { try AssetLocator.modelDirectory(explicit: "/nonexistent/assets") }
    }
}
