import Foundation
import Learner

/// One training run as `mbmpo plot` reads it: the environment and algorithm from `config.json` and the columns
/// of `progress.csv`.
public struct RunRecord {
    /// The folder.
    public let folder: String
    public let environment: String
    public let algorithm: String
    /// The simulation timing overrides of the run ("timestep 0.004 s, frame skip 5"), "" for the task's own.
    public let timing: String
    /// The values of the settings a plot labels its series by ("biasHigh 0.5, noiseStd 0.1"), "" for none.
    public let settings: String
    /// Steps per episode: `sampling.horizon` of `config.json`, or where it has none, the task's own (1 000 for
    /// Gymnasium's tasks but Reacher-v5's 50, 200 for the paper's).
    public let horizon: Int
    /// Column name → one value per row (nil for an empty or non-numeric field).
    public let columns: [String: [Double?]]
    /// Rows in `progress.csv`.
    public let rowCount: Int

    /// A problem with a run folder, as one line.
    public struct Problem: Error, CustomStringConvertible {
        public let message: String
        /// Whether the run has simply logged no return yet (no rows, or only its random-data iteration), which a
        /// plot of several runs passes over, rather than being unreadable.
        public let nothingLoggedYet: Bool
        /// Whether the run's log holds what no chart draws truthfully (steps that do not increase, a return beyond
        /// ±1e15 from a diverging run): a plot of several runs passes over it too, naming it.
        public let undrawable: Bool
        public var description: String { message }
        public init(message: String, nothingLoggedYet: Bool = false, undrawable: Bool = false) {
            self.message = message
            self.nothingLoggedYet = nothingLoggedYet
            self.undrawable = undrawable
        }
        /// Whether a plot of several runs passes over this run rather than failing.
        public var passedOver: Bool { nothingLoggedYet || undrawable }
    }

    /// Loads `folder/config.json` and `folder/progress.csv`; `labelKeys` are dotted key paths of `config.json`
    /// (`meta.innerStepSize`) whose values are kept in ``settings``.
    public init(folder: String, labelKeys: [String] = []) throws {
        self.folder = folder
        let url = URL(fileURLWithPath: folder, isDirectory: true)
        let configText = try Self.read(url.appendingPathComponent("config.json"), folder: folder)
        guard let header = try? JSONDecoder().decode(ConfigHeader.self, from: Data(configText.utf8)) else {
            throw Problem(message: "'\(folder)/config.json' does not name an environment and an algorithm")
        }
        environment = header.environment
        algorithm = header.algorithm
        let (timestep, frameSkip) = (header.physicsTimestep, header.frameSkip)
        timing =
            TrainingConfig.timingDifference(environment: environment, timestep: timestep, frameSkip: frameSkip) ?? ""
        settings = try Self.settings(labelKeys, in: configText, folder: folder)
        horizon = header.horizon ?? TrainingConfig.gymnasiumTasks[environment]?.horizon ?? 200
        let table = Self.parseCSV(try Self.read(url.appendingPathComponent("progress.csv"), folder: folder))
        guard let header = table.first, table.count >= 2 else {
            throw Problem(message: "'\(folder)/progress.csv' has no rows yet", nothingLoggedYet: true)
        }
        var columns: [String: [Double?]] = [:]
        for (index, name) in header.enumerated() {
            columns[name] = table.dropFirst().map { row in
                index < row.count ? Double(row[index]).flatMap { $0.isFinite ? $0 : nil } : nil
            }
        }
        self.columns = columns
        rowCount = table.count - 1
    }

    /// The fields of `config.json` a plot needs; the timing overrides count only where they are numbers.
    private struct ConfigHeader: Decodable {
        let environment: String
        let algorithm: String
        let physicsTimestep: Double?
        let frameSkip: Int?
        let horizon: Int?

        enum CodingKeys: String, CodingKey { case environment, algorithm, physicsTimestep, frameSkip, sampling }
        enum SamplingKeys: String, CodingKey { case horizon }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            environment = try container.decode(String.self, forKey: .environment)
            algorithm = try container.decode(String.self, forKey: .algorithm)
            physicsTimestep = try? container.decodeIfPresent(Double.self, forKey: .physicsTimestep)
            frameSkip = try? container.decodeIfPresent(Int.self, forKey: .frameSkip)
            let sampling = try? container.nestedContainer(keyedBy: SamplingKeys.self, forKey: .sampling)
            horizon = (try? sampling?.decodeIfPresent(Int.self, forKey: .horizon)).flatMap { $0 }.flatMap {
                $0 > 0 ? $0 : nil
            }
        }
    }

    /// "innerStepSize 0.01, tailoredExploration false": the last component of each key path and its value.
    static func settings(_ keys: [String], in configText: String, folder: String) throws -> String {
        guard !keys.isEmpty else { return "" }
        let tree = try? JSONDecoder().decode(ConfigNode.self, from: Data(configText.utf8))
        return try keys.map { key -> String in
            var node = tree
            for part in key.split(separator: ".", omittingEmptySubsequences: false) {
                if case .object(let members)? = node { node = members[String(part)] } else { node = nil }
            }
            let name = key.split(separator: ".").last.map(String.init) ?? key
            switch node {
            case .bool(let value)?: return "\(name) \(value)"
            case .number(let value)?:
                let text = value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
                return "\(name) \(text)"
            case .text(let value)?: return "\(name) \(value)"
            case .null?: return "\(name) null"
            default:
                throw Problem(message: "'\(folder)/config.json' has no setting '\(key)' to label the curves by")
            }
        }.joined(separator: ", ")
    }

    /// A JSON value of `config.json`, as far as a label needs it (lists are kept but not shown).
    private indirect enum ConfigNode: Decodable {
        case bool(Bool)
        case number(Double)
        case text(String)
        case null
        case list([ConfigNode])
        case object([String: ConfigNode])

        init(from decoder: Decoder) throws {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let value = try? single.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? single.decode(Double.self) {
                self = .number(value)
            } else if let value = try? single.decode(String.self) {
                self = .text(value)
            } else if let value = try? single.decode([ConfigNode].self) {
                self = .list(value)
            } else {
                self = .object(try single.decode([String: ConfigNode].self))
            }
        }
    }

    /// Whether `folder` holds a run (a `progress.csv`).
    public static func isRun(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder).appendingPathComponent("progress.csv").path)
    }

    /// `folder` itself if it is a run, else its immediate subfolders that are runs (sorted).
    public static func runFolders(in folder: String) throws -> [String] {
        if isRun(folder) { return [folder] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Problem(message: "'\(folder)' is not a folder")
        }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let runs = children.sorted().map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }.filter(isRun)
        guard !runs.isEmpty else {
            throw Problem(message: "'\(folder)' holds no run: no progress.csv in it or in its subfolders")
        }
        return runs
    }

    private static func read(_ url: URL, folder: String) throws -> String {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw Problem(message: "'\(folder)' is not a run folder: cannot read \(url.lastPathComponent)")
        }
        return text
    }

    /// Splits CSV text into rows of fields (RFC 4180 quoting: "a,b" and "" inside quotes; rows end in LF or CRLF,
    /// after a quoted field as after any other).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        /// A character outside quotes.
        func plain(_ character: Character) {
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard quoted else {
                plain(character)
                continue
            }
            guard character == "\"" else {
                field.append(character)
                continue
            }
            // a quote inside quotes: doubled, it stands for one; else it closes them
            guard let next = iterator.next() else {
                quoted = false
                break
            }
            if next == "\"" {
                field.append("\"")
            } else {
                quoted = false
                plain(next)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
