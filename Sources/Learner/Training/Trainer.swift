/// A model-based training algorithm run iteration by iteration.
public protocol Trainer: AnyObject {
    /// The shared state.
    var context: TrainingContext { get }
    /// Runs one outer iteration; `progress` receives short phase names for a live display.
    func runIteration(progress: (String) -> Void) throws -> IterationLog
    /// The algorithm's own state between iterations (see ``captureState()``).
    var algorithmState: AlgorithmState { get }
    /// Throws unless `state` fits this trainer (right algorithm, shapes).
    func validateAlgorithmState(_ state: AlgorithmState) throws
    /// Sets the algorithm's own state (validated first).
    func restoreAlgorithmState(_ state: AlgorithmState)
}
