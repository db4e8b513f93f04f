import Foundation
import Logging
import QuarryServer
import Synchronization
import Testing

/// Collects the lines a ``JSONLogHandler`` writes.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    /// Every line, parsed as a JSON object of strings.
    func objects() throws -> [[String: String]] {
        try all.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: String], "not an object of strings: \(line)")
        }
    }

    func logger(label: String = "test", level: Logger.Level = .info) -> Logger {
        Logger(label: label) { label in
            JSONLogHandler(label: label, logLevel: level, output: .lines { line in self.lines.withLock { $0.append(line) } })
        }
    }
}

struct JSONLogHandlerTests {
    @Test func eachEventIsOneJSONObjectWithFlattenedMetadata() throws {
        let lines = LogLines()
        var logger = lines.logger(label: "quarry.test")
        logger[metadataKey: "request_id"] = "abc"
        logger.info(
            "said \"hi\"\n\tand left",
            metadata: [
                "count": .stringConvertible(3),
                "nested": .dictionary(["a": "1", "b": .dictionary(["c": "deep"])]),
                "list": .array(["x", "y"]),
                "text": "中文 ✓ \u{1}",
                "level": "overridden?",
            ])
        let objects = try lines.objects()
        #expect(lines.all.count == 1 && !lines.all[0].contains("\n"))
        let object = try #require(objects.first)
        #expect(object["level"] == "info")
        #expect(object["label"] == "quarry.test")
        #expect(object["message"] == "said \"hi\"\n\tand left")
        #expect(object["request_id"] == "abc")
        #expect(object["count"] == "3")
        #expect(object["nested.a"] == "1" && object["nested.b.c"] == "deep")
        #expect(object["list"] == #"["x", "y"]"#)
        #expect(object["text"] == "中文 ✓ \u{1}")
        let time = try #require(object["time"])
        #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(time)")
        let parsed = try #require(try? Date(time, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
    }

    @Test func levelsBelowTheThresholdAreDropped() throws {
        let lines = LogLines()
        let logger = lines.logger(level: .notice)
        logger.info("hidden")
        logger.debug("hidden")
        logger.notice("shown")
        logger.error("failed", error: CocoaError(.fileNoSuchFile))
        let objects = try lines.objects()
        #expect(objects.map { $0["message"] } == ["shown", "failed"])
        #expect(objects.map { $0["level"] } == ["notice", "error"])
    }
}
