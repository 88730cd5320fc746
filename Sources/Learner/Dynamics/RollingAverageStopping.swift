/// MB-MPO's per-member early-stopping rule on validation losses (a pure state machine).
///
/// Epoch 0: R = 1.5·v, P = 2·v (v/1.5, v/2 for negative v). Every epoch, for every member still training:
/// R ← ρR + (1 − ρ)v; the member stops if P < R (the rolling average rose) or at the last epoch; then P ← R.
/// After epoch 0 this stops a member at the first epoch whose loss exceeds its previous rolling average.
public struct RollingAverageStopping: Equatable, Sendable {
    /// Persistence ρ.
    public let persistence: Double
    /// Rolling averages R, one per member.
    public private(set) var rolling: [Double]
    /// Previous rolling averages P, one per member.
    public private(set) var previous: [Double]
    /// The epoch (0-based) at which each member stopped, nil while it trains.
    public private(set) var stoppedAt: [Int?]
    /// Epochs recorded so far.
    public private(set) var epoch = 0

    /// A rule for `members` members, none stopped.
    public init(members: Int, persistence: Double) {
        self.persistence = persistence
        rolling = [Double](repeating: 0, count: members)
        previous = [Double](repeating: 0, count: members)
        stoppedAt = [Int?](repeating: nil, count: members)
    }

    /// Whether member `k` is still training.
    public func isTraining(_ k: Int) -> Bool { stoppedAt[k] == nil }
    /// Whether every member has stopped.
    public var allStopped: Bool { stoppedAt.allSatisfy { $0 != nil } }

    /// Records one epoch's validation losses (entries of stopped members are ignored) and stops members per the rule.
    public mutating func record(validationLosses v: [Double], isLastEpoch: Bool) {
        precondition(v.count == rolling.count, "expected \(rolling.count) losses, got \(v.count)")
        for k in v.indices where stoppedAt[k] == nil {
            if epoch == 0 {
                rolling[k] = v[k] < 0 ? v[k] / 1.5 : 1.5 * v[k]
                previous[k] = v[k] < 0 ? v[k] / 2 : 2 * v[k]
            }
            rolling[k] = persistence * rolling[k] + (1 - persistence) * v[k]
            if previous[k] < rolling[k] || isLastEpoch { stoppedAt[k] = epoch }
            previous[k] = rolling[k]
        }
        epoch += 1
    }
}
