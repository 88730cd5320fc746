#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The torso's pitch of a planar robot (its hinge joint `rooty`: half-cheetah, hopper, walker2d and their v5
/// versions), read from recorded states to tell whether a policy runs upside down.
///
/// Half-cheetah never ends an episode early, so a policy can learn to turn onto its back and push itself along
/// lying on it (the "flipped gait", a well-known local optimum of the task). Rendering shows it; this measure
/// counts it: a state is upside down when the pitch, taken modulo full turns, lies more than 90° from the model's
/// reference pose (pitch 0 is the pose the model is written in, upright for all of these robots).
public struct TorsoPitch: Sendable, Equatable {
    /// Where the pitch is in a state's qpos.
    public let qposIndex: Int
    /// qpos values per state.
    public let qposWidth: Int

    public init(qposIndex: Int, qposWidth: Int) {
        precondition(qposIndex >= 0 && qposIndex < qposWidth, "qpos index \(qposIndex) outside a state of \(qposWidth)")
        (self.qposIndex, self.qposWidth) = (qposIndex, qposWidth)
    }

    /// The pitch of `model`'s hinge joint named `rooty`, or nil where it has none.
    public init?(model: MuJoCoModel) {
        guard let joint = model.jointID("rooty"), model.jointType(joint) == 3 else { return nil }
        self.init(qposIndex: model.jointQposAddress(joint), qposWidth: model.nq)
    }

    /// Whether a pitch of `angle` radians is upside down: more than π/2 from 0 after removing whole turns.
    public static func isUpsideDown(_ angle: Double) -> Bool {
        abs(remainder(angle, 2 * Double.pi)) > Double.pi / 2
    }

    /// How many of `qpos`'s states (rows of ``qposWidth`` values) are upside down, and how many states it holds.
    public func upsideDownStates(qpos: [Double]) -> (upsideDown: Int, states: Int) {
        precondition(qpos.count % qposWidth == 0, "\(qpos.count) qpos values are not whole states of \(qposWidth)")
        let states = qpos.count / qposWidth
        let upsideDown = (0..<states).reduce(0) { $0 + (Self.isUpsideDown(qpos[$1 * qposWidth + qposIndex]) ? 1 : 0) }
        return (upsideDown, states)
    }

    /// The fraction of `qpos`'s states that are upside down; nil for no states.
    public func upsideDownFraction(qpos: [Double]) -> Double? {
        let (upsideDown, states) = upsideDownStates(qpos: qpos)
        return states > 0 ? Double(upsideDown) / Double(states) : nil
    }
}
