import Core

/// Gymnasium's `Swimmer-v5`: the three-link swimmer in viscous fluid with v5's defaults.
///
/// The model is `swimmer.xml` (the same file as `swimmer`; its links, fluid, gears and RK4 timestep 0.01 s are
/// Gymnasium's), stepped 4 times per environment step, so dt = 0.04 s.
///
/// | actions (controls in [-1, 1], gear 150) | |
/// |---|---|
/// | 0–1 | the two joints between the links |
///
/// | observation (8) | entries |
/// |---|---|
/// | 0–2 | qpos[2…4]: body angle, two joint angles |
/// | 3–7 | qvel[0…4] |
///
/// Reward: forward = (x_after − x_before)/dt from qpos[0], control = −0.0001 Σa² on the action as given. Never
/// terminates; 1 000 steps. Start state: qpos0 + U(±0.1), qvel U(±0.1). Model reward: obs'[3] (vx at the end of the
/// step, for the displacement velocity) − 0.0001 Σa².
///
/// Differences from Gymnasium: MuJoCo 2.2.2 instead of 3.x; our random streams.
public final class SwimmerV5: RuledTask, MuJoCoTask {
    public static let modelFile = "swimmer.xml"
    public static let frameSkip = 4
    static let rules = RunnerV5Rules(
        name: "Swimmer-v5", nq: 5, nu: 2, skippedQpos: 2, controlCost: 1e-4, qposNoise: .uniform(0.1),
        qvelNoise: .uniform(0.1))

    public init(model: MuJoCoModel, frameSkip: Int = SwimmerV5.frameSkip) throws {
        try super.init(model: model, frameSkip: frameSkip, rules: Self.rules)
    }
}
