/// Sizes and timing of an environment, as seen by a learner.
public struct EnvironmentSpec: Codable, Equatable, Sendable {
    /// Command-line name, e.g. `half-cheetah`.
    public var name: String
    /// Length of an observation vector.
    public var observationSize: Int
    /// Length of an action vector (the policy's normalized action space is [-1, 1]^actionSize).
    public var actionSize: Int
    /// Actuator lower bounds that a normalized action of -1 maps to.
    public var actionLower: [Double]
    /// Actuator upper bounds that a normalized action of +1 maps to.
    public var actionUpper: [Double]
    /// Simulated seconds per environment step (timestep × frame skip).
    public var dt: Double
    /// Steps per episode before the sampler truncates it (200 in the paper).
    public var horizon: Int
    /// Whether episodes can end early (Ant, Hopper, Walker2d).
    public var terminatesEarly: Bool

    public init(
        name: String, observationSize: Int, actionSize: Int, actionLower: [Double], actionUpper: [Double],
        dt: Double, horizon: Int, terminatesEarly: Bool
    ) {
        precondition(
            actionLower.count == actionSize && actionUpper.count == actionSize,
            "action bounds need \(actionSize) entries, got \(actionLower.count) and \(actionUpper.count)")
        self.name = name
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.actionLower = actionLower
        self.actionUpper = actionUpper
        self.dt = dt
        self.horizon = horizon
        self.terminatesEarly = terminatesEarly
    }
}

/// The named parts of a per-step reward. `reward == total` exactly (the sum, clipped where the environment clips).
public struct RewardTerms: Equatable, Sendable {
    /// Forward progress: root x velocity (m/s).
    public var forward: Double = 0
    /// Bonus for staying alive (Hopper, Walker2d, Ant).
    public var alive: Double = 0
    /// Control cost, as a negative number.
    public var control: Double = 0
    /// Distance penalty (PR2, Reacher-v5), as a negative number.
    public var distance: Double = 0
    /// Contact-force cost (Ant-v5), as a negative number.
    public var contact: Double = 0
    /// Symmetric clip applied to the sum, if the environment clips (±1000 for some).
    public var clipLimit: Double? = nil

    public init(
        forward: Double = 0, alive: Double = 0, control: Double = 0, distance: Double = 0, contact: Double = 0,
        clipLimit: Double? = nil
    ) {
        self.forward = forward
        self.alive = alive
        self.control = control
        self.distance = distance
        self.contact = contact
        self.clipLimit = clipLimit
    }

    /// The sum of the terms, before any clip: (forward + alive + distance) + (control + contact), Gymnasium's grouping
    /// of rewards and costs (Ant-v5's (forward + healthy) − (control + contact)); with at most one cost term it is the
    /// plain left-to-right sum bit for bit.
    public var sum: Double { (forward + alive + distance) + (control + contact) }

    /// The reward: the sum, clipped to ±clipLimit where the environment clips.
    public var total: Double {
        guard let limit = clipLimit else { return sum }
        return min(max(sum, -limit), limit)
    }
}

/// Why an episode ended.
public enum EpisodeEnd: Equatable, Sendable, Codable {
    /// Still running.
    case running
    /// The environment's termination rule fired (fell over, left the healthy range).
    case terminated
    /// The step limit was reached.
    case truncated
    /// The simulation diverged (non-finite state or MuJoCo instability); the reason says what happened.
    case diverged(String)
}

/// What one environment step returns.
public struct StepResult: Sendable {
    /// Observation after the step (observationSize).
    public var observation: [Double]
    /// The real reward of the step.
    public var reward: Double
    /// Its parts; `reward == terms.total`.
    public var terms: RewardTerms
    /// `.terminated` or `.diverged` if the episode ended on this step, else `.running` (time limits are the
    /// sampler's business).
    public var end: EpisodeEnd

    public init(observation: [Double], reward: Double, terms: RewardTerms, end: EpisodeEnd) {
        self.observation = observation
        self.reward = reward
        self.terms = terms
        self.end = end
    }
}

/// Errors for inputs an environment refuses.
public enum EnvironmentError: Error, Equatable, CustomStringConvertible {
    case wrongActionLength(expected: Int, got: Int)
    case nonFiniteAction(index: Int, value: Double)

    public var description: String {
        switch self {
        case .wrongActionLength(let expected, let got):
            return "action has \(got) entries, the environment expects \(expected)"
        case .nonFiniteAction(let index, let value):
            return "action entry \(index) is \(value); actions must be finite"
        }
    }
}

/// The reward and termination functions of an environment applied to predicted transitions, as imagined rollouts
/// need them. One implementation serves batches; a single transition is a batch of one.
public protocol RewardModel {
    var spec: EnvironmentSpec { get }

    /// rewards[i] = r(o_i, a_i, o'_i) for every row i; `actions` are raw normalized policy actions (no clip).
    /// - Parameters: observations, nextObservations: (rows × observationSize); actions: (rows × actionSize).
    func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>, into rewards: UnsafeMutableBufferPointer<Double>)

    /// dones[i] = whether predicted next observation o'_i ends the episode (always false where the environment
    /// never terminates early).
    func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
}

extension RewardModel {
    /// Array form of ``modelRewards(observations:actions:nextObservations:into:)``.
    public func modelRewards(observations: [Double], actions: [Double], nextObservations: [Double]) -> [Double] {
        let rows = actions.count / max(spec.actionSize, 1)
        precondition(
            observations.count == rows * spec.observationSize
                && nextObservations.count == rows * spec.observationSize,
            "model reward: \(rows) rows need \(rows * spec.observationSize) observation entries")
        var rewards = [Double](repeating: 0, count: rows)
        observations.withUnsafeBufferPointer { o in
            actions.withUnsafeBufferPointer { a in
                nextObservations.withUnsafeBufferPointer { n in
                    rewards.withUnsafeMutableBufferPointer { r in
                        modelRewards(observations: o, actions: a, nextObservations: n, into: r)
                    }
                }
            }
        }
        return rewards
    }

    /// Array form of ``modelDones(nextObservations:into:)``.
    public func modelDones(nextObservations: [Double]) -> [Bool] {
        let rows = nextObservations.count / spec.observationSize
        var dones = [Bool](repeating: false, count: rows)
        nextObservations.withUnsafeBufferPointer { n in
            dones.withUnsafeMutableBufferPointer { d in modelDones(nextObservations: n, into: d) }
        }
        return dones
    }
}

/// A simulated task: reset to a random start state, step with a normalized action.
///
/// Implementations own their simulation state, so one instance serves one thread at a time.
public protocol Environment: AnyObject, RewardModel {
    /// Draws a start state and returns its observation.
    func reset(using rng: inout SplitMix64) -> [Double]

    /// Applies a normalized action in [-1, 1]^actionSize (scaled to the actuator bounds and clipped) for one step.
    /// Throws ``EnvironmentError`` for a wrong-length or non-finite action.
    func step(_ action: [Double]) throws -> StepResult

    /// The last step's action as applied (scaled to the bounds and clipped); by default the action clipped to
    /// [-1, 1] mapped onto the bounds.
    var appliedAction: [Double] { get }

    /// Appends the full simulator state (generalized positions and velocities) for replay; by default nothing.
    func appendState(qpos: inout [Double], qvel: inout [Double])
}

extension Environment {
    public func appendState(qpos: inout [Double], qvel: inout [Double]) {}
}

/// Checks an action's length and finiteness; shared by every environment.
public func validateAction(_ action: [Double], size: Int) throws {
    guard action.count == size else { throw EnvironmentError.wrongActionLength(expected: size, got: action.count) }
    for (index, value) in action.enumerated() where !value.isFinite {
        throw EnvironmentError.nonFiniteAction(index: index, value: value)
    }
}
