/// One iteration's metrics in the order they were recorded (the columns of `progress.csv`).
public struct IterationLog: Equatable, Sendable {
    public private(set) var keys: [String] = []
    public private(set) var values: [Double] = []

    public init() {}

    /// Records `value` under `key` (a later record of the same key replaces the value in place).
    public mutating func record(_ key: String, _ value: Double) {
        if let index = keys.firstIndex(of: key) {
            values[index] = value
        } else {
            keys.append(key)
            values.append(value)
        }
    }

    /// Records Average/Std/Min/Max returns under `prefix-…Return`, as the original logger names them.
    public mutating func record(returns: ReturnStatistics, prefix: String) {
        record("\(prefix)-AverageReturn", returns.mean)
        record("\(prefix)-StdReturn", returns.standardDeviation)
        record("\(prefix)-MinReturn", returns.minimum)
        record("\(prefix)-MaxReturn", returns.maximum)
        record("\(prefix)-NumTrajs", Double(returns.count))
    }

    /// The value recorded under `key`, if any.
    public subscript(key: String) -> Double? {
        keys.firstIndex(of: key).map { values[$0] }
    }
}
