/// A 2-D point mass pushed toward a goal: a fast, dependency-free environment for learning tests.
///
/// ## Description
/// A unit mass at position p with velocity v moves in the plane under a force f and linear damping; it should reach
/// the goal g and stay there.
///
/// ## Action space
/// | index | meaning | range |
/// |---|---|---|
/// | 0, 1 | force along x, y (normalized; clipped to [−1, 1] before it is applied) | [−1, 1] |
///
/// ## Observation space (6)
/// | index | meaning |
/// |---|---|
/// | 0, 1 | position p |
/// | 2, 3 | velocity v |
/// | 4, 5 | goal offset g − p |
///
/// ## Dynamics (semi-implicit Euler, dt = `config.dt`)
/// v' = v + dt · (clip(a) − damping · v), p' = p + dt · v'.
///
/// ## Reward
/// r = −‖g − p'‖ − controlCost · ‖a‖², read from the next observation and the *raw* action, so the model reward on a
/// predicted transition equals the real one exactly (`terms.distance` + `terms.control`).
///
/// ## Start state and episode end
/// p ~ U(−1, 1)², v = 0, g ~ U(−1, 1)² (or the fixed `config.goal`); never terminates (the sampler truncates at
/// `config.horizon`).
public final class PointMass: Environment {
    /// Settings of the point mass.
    public struct Config: Codable, Equatable, Sendable {
        /// Seconds per step.
        public var dt = 0.1
        /// Linear velocity damping (1/s).
        public var damping = 1.0
        /// Weight of the squared-action penalty.
        public var controlCost = 0.01
        /// Steps per episode.
        public var horizon = 50
        /// A fixed goal, or nil to draw one per reset.
        public var goal: [Double]? = nil

        /// The defaults.
        public init() {}
    }

    /// The settings in use.
    public let config: Config
    /// Sizes and timing.
    public let spec: EnvironmentSpec
    /// Current observation [p, v, g − p].
    public private(set) var observation: [Double] = [0, 0, 0, 0, 0, 0]
    /// The last step's force after clipping.
    public private(set) var appliedAction: [Double] = [0, 0]

    /// Creates the environment; call ``reset(using:)`` before stepping.
    public init(config: Config = Config()) {
        precondition(config.goal == nil || config.goal?.count == 2, "the goal needs 2 coordinates")
        self.config = config
        spec = EnvironmentSpec(
            name: "point-mass", observationSize: 6, actionSize: 2, actionLower: [-1, -1],
            actionUpper: [1, 1], dt: config.dt, horizon: config.horizon, terminatesEarly: false)
    }

    /// Draws p and (unless fixed) g uniformly from [−1, 1]², with v = 0.
    public func reset(using rng: inout SplitMix64) -> [Double] {
        let p = [rng.nextUniform(-1, 1), rng.nextUniform(-1, 1)]
        let g = config.goal ?? [rng.nextUniform(-1, 1), rng.nextUniform(-1, 1)]
        observation = [p[0], p[1], 0, 0, g[0] - p[0], g[1] - p[1]]
        return observation
    }

    /// One step with the clipped force; the reward is ``terms(nextObservation:action:)`` of the transition.
    public func step(_ action: [Double]) throws -> StepResult {
        try validateAction(action, size: 2)
        let o = observation, dt = config.dt
        var next = o
        for j in 0..<2 {
            let force = min(max(action[j], -1), 1)
            appliedAction[j] = force
            let v = o[2 + j] + dt * (force - config.damping * o[2 + j])
            let p = o[j] + dt * v
            let goal = o[4 + j] + o[j]
            next[j] = p
            next[2 + j] = v
            next[4 + j] = goal - p
        }
        observation = next
        let terms = Self.terms(nextObservation: next[...], action: action[...], controlCost: config.controlCost)
        return StepResult(observation: next, reward: terms.total, terms: terms, end: .running)
    }

    /// Reward terms of a transition: distance −‖o'[4..5]‖, control −c‖a‖².
    public static func terms(
        nextObservation: ArraySlice<Double>, action: ArraySlice<Double>,
        controlCost: Double
    ) -> RewardTerms {
        let dx = nextObservation[nextObservation.startIndex + 4], dy = nextObservation[nextObservation.startIndex + 5]
        let ax = action[action.startIndex], ay = action[action.startIndex + 1]
        return RewardTerms(control: -controlCost * (ax * ax + ay * ay), distance: -(dx * dx + dy * dy).squareRoot())
    }

    /// Batched model reward: the same ``terms(nextObservation:action:controlCost:)`` total for every row.
    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>, into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for r in 0..<rewards.count {
            let next = Array(nextObservations[(6 * r)..<(6 * r + 6)])[...]
            let action = Array(actions[(2 * r)..<(2 * r + 2)])[...]
            rewards[r] = Self.terms(nextObservation: next, action: action, controlCost: config.controlCost).total
        }
    }

    /// Never done.
    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for r in 0..<dones.count { dones[r] = false }
    }
}
