import Core

/// Plays a ``ReplaySource``'s episodes one after another and keeps the counters the overlay shows.
///
/// Each ``advance()`` either takes one step of the current episode or, once that episode has ended (and its last
/// state has been shown), starts the next one. After the last episode the driver is ``isFinished``.
public final class ReplayDriver {
    public let source: any ReplaySource
    /// Current episode (0-based).
    public private(set) var episode = 0
    /// Steps taken in the current episode.
    public private(set) var step = 0
    /// Sum of rewards so far in the current episode.
    public private(set) var episodeReturn = 0.0
    /// How the current episode ended, or `.running`.
    public private(set) var end: EpisodeEnd = .running
    /// Returns of the episodes completed so far.
    public private(set) var completedReturns: [Double] = []
    /// Whether every episode has been played to its end.
    public private(set) var isFinished = false

    /// Starts the first episode.
    public init(source: any ReplaySource) throws {
        self.source = source
        try source.startEpisode(0)
    }

    /// One step forward: a step of the current episode, or the start of the next episode once it has ended.
    /// Does nothing once finished.
    public func advance() throws {
        guard !isFinished else { return }
        if end != .running {
            guard episode + 1 < source.episodeCount else {
                isFinished = true
                return
            }
            try startEpisode(episode + 1)
            return
        }
        let result = try source.step()
        step += 1
        episodeReturn += result.reward
        end = result.end
        if end != .running { completedReturns.append(episodeReturn) }
    }

    /// Restarts the current episode from its first state (the viewer's `R`); after the end it replays the last.
    public func restartEpisode() throws {
        if end != .running, !completedReturns.isEmpty { completedReturns.removeLast() }
        try startEpisode(episode)
    }

    func startEpisode(_ index: Int) throws {
        try source.startEpisode(index)
        (episode, step, episodeReturn, end, isFinished) = (index, 0, 0, .running, false)
    }

    /// A short status word for the overlay.
    public var status: String {
        if isFinished { return "finished" }
        switch end {
        case .running: return "running"
        case .terminated: return "terminated"
        case .truncated: return "time limit"
        case .diverged(let reason): return "diverged: \(reason)"
        }
    }
}
