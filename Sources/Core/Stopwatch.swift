/// Wall-clock laps in seconds (the monotonic clock), the one way mbmpo times its phases.
public struct Stopwatch {
    private var last = monotonicNanoseconds()

    /// A stopwatch started now.
    public init() {}

    /// Seconds since the previous lap (or the start).
    public mutating func lap() -> Double {
        let now = monotonicNanoseconds()
        defer { last = now }
        return Double(now - last) * 1e-9
    }
}
