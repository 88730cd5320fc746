/// A strict syntax check of JSON text (RFC 8259), run before a lenient decoder sees it: trailing commas, duplicate
/// keys, comments, `NaN`/`Infinity`, leading zeros, control characters in strings, a byte-order mark and nesting
/// deeper than ``maximumDepth`` are all refused, each with its line and column.
public enum StrictJSON {
    /// Arrays and objects nested deeper than this are refused (a guard for the decoders' recursion).
    public static let maximumDepth = 256

    /// Throws ``StrictJSONError`` at the first place where `text` is not one strict JSON value.
    public static func check(_ text: String) throws {
        var scanner = Scanner(bytes: Array(text.utf8))
        if scanner.bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw scanner.error("starts with a byte-order mark (save the file as UTF-8 without one)")
        }
        scanner.skipWhitespace()
        try scanner.value(depth: 0)
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "/") { throw scanner.error("comments are not JSON") }
        if scanner.position < scanner.bytes.count {
            throw scanner.error("unexpected \(scanner.describeCurrent()) after the JSON value")
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        func error(_ problem: String) -> StrictJSONError {
            var line = 1, column = 1
            for byte in bytes[..<min(position, bytes.count)] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {  // count characters, not UTF-8 continuation bytes
                    column += 1
                }
            }
            return StrictJSONError(line: line, column: column, problem: problem)
        }

        func describeCurrent() -> String {
            guard let byte = current else { return "end of text" }
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16))"
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard current == byte else { throw error("expected '\(literal)'") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws {
            guard let byte = current else { throw error("expected a value, found the end of the text") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "/"): throw error("comments are not JSON")
            case UInt8(ascii: "N"), UInt8(ascii: "I"): throw error("NaN and Infinity are not JSON numbers")
            default: throw error("expected a value, found \(describeCurrent())")
            }
        }

        mutating func object(depth: Int) throws {
            guard depth <= StrictJSON.maximumDepth else {
                throw error("nested deeper than \(StrictJSON.maximumDepth) levels")
            }
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return
            }
            var keys: Set<[UInt8]> = []
            while true {
                guard current == UInt8(ascii: "\"") else {
                    throw error(
                        keys.isEmpty
                            ? "expected a key in double quotes" : "trailing comma or a key not in double quotes")
                }
                let keyStart = self
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw keyStart.error("duplicate key \"\(String(decoding: key, as: UTF8.self))\"")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key") }
                position += 1
                skipWhitespace()
                try value(depth: depth)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    skipWhitespace()
                    if current == UInt8(ascii: "}") { throw error("trailing comma before '}'") }
                } else if current == UInt8(ascii: "}") {
                    position += 1
                    return
                } else {
                    throw error("expected ',' or '}', found \(describeCurrent())")
                }
            }
        }

        mutating func array(depth: Int) throws {
            guard depth <= StrictJSON.maximumDepth else {
                throw error("nested deeper than \(StrictJSON.maximumDepth) levels")
            }
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                try value(depth: depth)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    skipWhitespace()
                    if current == UInt8(ascii: "]") { throw error("trailing comma before ']'") }
                } else if current == UInt8(ascii: "]") {
                    position += 1
                    return
                } else {
                    throw error("expected ',' or ']', found \(describeCurrent())")
                }
            }
        }

        /// Scans a string and returns its decoded content as UTF-8 (for comparing keys).
        mutating func string() throws -> [UInt8] {
            position += 1
            var content: [UInt8] = []
            while true {
                guard let byte = current else { throw error("unterminated string") }
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return content
                case UInt8(ascii: "\\"):
                    guard let escape = current else { throw error("unterminated string") }
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): content.append(escape)
                    case UInt8(ascii: "b"): content.append(0x08)
                    case UInt8(ascii: "f"): content.append(0x0C)
                    case UInt8(ascii: "n"): content.append(0x0A)
                    case UInt8(ascii: "r"): content.append(0x0D)
                    case UInt8(ascii: "t"): content.append(0x09)
                    case UInt8(ascii: "u"): content.append(contentsOf: try unicodeEscape())
                    default:
                        position -= 2
                        throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                    }
                case 0..<0x20:
                    position -= 1
                    throw error("a control character (byte 0x\(String(byte, radix: 16))) in a string must be escaped")
                default:
                    content.append(byte)
                }
            }
        }

        /// The four hex digits after `\u` (and a low surrogate's after a high one), as UTF-8.
        mutating func unicodeEscape() throws -> [UInt8] {
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar), current == UInt8(ascii: "\\"),
                position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
            {
                position += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair in a \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("unpaired surrogate in a \\u escape") }
            return Array(String(Character(unicode)).utf8)
        }

        mutating func hexQuad() throws -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = current, let digit = Self.hexDigit(byte) else {
                    throw error("a \\u escape needs four hex digits")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        mutating func digits() -> Int {
            let start = position
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
            return position - start
        }

        mutating func number() throws {
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") {
                position += 1
                if let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    throw error("a number must not have a leading zero")
                }
            } else if digits() == 0 {
                throw error("expected a digit")
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("expected a digit after the decimal point") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("expected a digit in the exponent") }
            }
        }
    }
}

/// Where and why text is not strict JSON.
public struct StrictJSONError: Error, Equatable, CustomStringConvertible {
    /// 1-based line and column (in characters).
    public let line: Int
    public let column: Int
    public let problem: String

    public init(line: Int, column: Int, problem: String) {
        (self.line, self.column, self.problem) = (line, column, problem)
    }

    /// `line 3, column 7: trailing comma before '}'`.
    public var description: String { "line \(line), column \(column): \(problem)" }
}
