import Core

/// Forwards every call to a real environment; tests subclass it to change one behaviour (a step that throws, a
/// divergence, a model that ends paths early).
open class WrappedEnvironment: Environment {
    public let inner: any Environment
    public init(wrapping inner: any Environment) { self.inner = inner }
    open var spec: EnvironmentSpec { inner.spec }
    open var appliedAction: [Double] { inner.appliedAction }
    open func reset(using rng: inout SplitMix64) -> [Double] { inner.reset(using: &rng) }
    open func step(_ action: [Double]) throws -> StepResult { try inner.step(action) }
    open func appendState(qpos: inout [Double], qvel: inout [Double]) {
        inner.appendState(qpos: &qpos, qvel: &qvel)
    }
    open func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>, into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        inner.modelRewards(
            observations: observations, actions: actions, nextObservations: nextObservations, into: rewards)
    }
    open func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>) {
        inner.modelDones(nextObservations: nextObservations, into: dones)
    }
}
