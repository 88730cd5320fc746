import Core

/// Gymnasium's `HalfCheetah-v5`: the planar cheetah with v5's defaults (forward weight 1, control cost 0.1, reset
/// noise 0.1, 1 000-step episodes).
///
/// The model is `half_cheetah.xml` (the same file as `half-cheetah`: its bodies, masses, gears and Euler timestep
/// 0.01 s are Gymnasium's), stepped 5 times per environment step, so dt = 0.05 s.
///
/// | actions (controls in [-1, 1], gears 120, 90, 60, 120, 60, 30) | |
/// |---|---|
/// | 0–2, 3–5 | back thigh, shin, foot; front thigh, shin, foot |
///
/// | observation (17) | entries |
/// |---|---|
/// | 0–7 | qpos[1…8]: root z, root angle, six joint angles |
/// | 8–16 | qvel[0…8]: vx, vz, ω and six joint velocities |
///
/// Reward: forward = (x_after − x_before)/dt from qpos[0], control = −0.1 Σa² on the action as given (not
/// clipped; MuJoCo clamps the control to [-1, 1]). Never terminates; 1 000 steps. Start state: qpos0 + U(−0.1, 0.1)
/// per coordinate, qvel 0.1·N(0, 1). Model reward on predicted transitions: obs'[8] (vx at the end of the step, for
/// the displacement velocity, which the observation does not hold) − 0.1 Σa².
///
/// Differences from Gymnasium: MuJoCo 2.2.2 instead of 3.x (the one-step difference is measured by
/// `scripts/gymnasium_parity.py`); our random streams, not NumPy's.
public final class HalfCheetahV5: RuledTask, MuJoCoTask {
    public static let modelFile = "half_cheetah.xml"
    public static let frameSkip = 5
    static let rules = RunnerV5Rules(
        name: "HalfCheetah-v5", nq: 9, nu: 6, skippedQpos: 1, controlCost: 0.1, qposNoise: .uniform(0.1),
        qvelNoise: .gaussian(0.1))

    public init(model: MuJoCoModel, frameSkip: Int = HalfCheetahV5.frameSkip) throws {
        try super.init(model: model, frameSkip: frameSkip, rules: Self.rules)
    }
}
