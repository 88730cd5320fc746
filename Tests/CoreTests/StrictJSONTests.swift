import Core
import Foundation
import Testing

/// The strict JSON check refuses what lenient parsers let through, with the place, and accepts all strict JSON.
@Suite struct StrictJSONTests {
    @Test(arguments: [
        "{}", "[]", "0", "-0.5e-3", "1E+400", "\"\"", "null", " true ", "[false, null, {\"a\": [1, 2.5, -3]}]",
        "{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}]}", "\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\"",
        "{\"é\": 1, \"e\\u0301\": 2}",
    ])
    func acceptsStrictJSON(text: String) throws {
        try StrictJSON.check(text)
        // Foundation reads every one of them too (the check never refuses valid JSON)
        #expect(
            (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil
                || text == "1E+400")
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "trailing comma before '}'"),
        ("[1,\n 2,\n]", 3, 1, "trailing comma before ']'"),
        ("{\"a\": 1, \"a\": 1}", 1, 10, "duplicate key \"a\""),
        ("{\"ab\": 1, \"a\\u0062\": 2}", 1, 11, "duplicate key \"ab\""),
        ("{\"a\": 1} x", 1, 10, "unexpected 'x' after the JSON value"),
        ("{a: 1}", 1, 2, "expected a key in double quotes"),
        ("[1 2]", 1, 4, "expected ',' or ']', found '2'"),
        ("/* c */ {}", 1, 1, "comments are not JSON"),
        ("[NaN]", 1, 2, "NaN and Infinity are not JSON numbers"),
        ("[-Infinity]", 1, 3, "expected a digit"),
        ("[01]", 1, 3, "a number must not have a leading zero"),
        ("[1.]", 1, 4, "expected a digit after the decimal point"),
        ("[1e]", 1, 4, "expected a digit in the exponent"),
        ("\"a\tb\"", 1, 3, "a control character (byte 0x9) in a string must be escaped"),
        ("\"\\x\"", 1, 2, "invalid escape '\\x' in a string"),
        ("\"\\ud800\"", 1, 8, "unpaired surrogate in a \\u escape"),
        ("\"abc", 1, 5, "unterminated string"),
        ("", 1, 1, "expected a value, found the end of the text"),
        ("\u{FEFF}{}", 1, 1, "starts with a byte-order mark (save the file as UTF-8 without one)"),
    ])
    func refusesWithThePlace(text: String, line: Int, column: Int, problem: String) {
        do {
            try StrictJSON.check(text)
            Issue.record("accepted \(text)")
        } catch let error as StrictJSONError {
            #expect(error == StrictJSONError(line: line, column: column, problem: problem), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("nesting is bounded (a guard for recursive decoders), and the bound itself is accepted")
    func nestingIsBounded() throws {
        let depth = StrictJSON.maximumDepth
        try StrictJSON.check(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        let deeper = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(throws: StrictJSONError.self) { try StrictJSON.check(deeper) }
        #expect(throws: StrictJSONError.self) { try StrictJSON.check(String(repeating: "{\"a\":", count: 100_000)) }
    }
}
