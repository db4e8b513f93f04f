import Foundation

/// One question of an evaluation set (JSON Lines, one object a line), with
/// where its answer is: `file` (relative to the corpus root) and an exact
/// substring `answer_span` of it.
public struct EvaluationQuestion: Codable, Sendable, Equatable {
    public var id: String
    public var question: String
    public var lang: String?
    public var file: String
    public var heading: String?
    public var answerSpan: String
    public var type: String?
    /// Which part of its set the question belongs to, e.g. "tune" or "held_out": ranking
    /// decisions are made on the tuning part, the held-out part is only reported.
    public var split: String?
    /// Other files that also answer the question.
    public var altFiles: [String]

    enum CodingKeys: String, CodingKey {
        case id, question, lang, file, heading, type, split
        case answerSpan = "answer_span"
        case altFiles = "alt_files"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        question = try container.decode(String.self, forKey: .question)
        lang = try container.decodeIfPresent(String.self, forKey: .lang)
        file = try container.decode(String.self, forKey: .file)
        heading = try container.decodeIfPresent(String.self, forKey: .heading)
        answerSpan = try container.decode(String.self, forKey: .answerSpan)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        split = try container.decodeIfPresent(String.self, forKey: .split)
        altFiles = try container.decodeIfPresent([String].self, forKey: .altFiles) ?? []
    }

    /// Reads a JSON Lines file of questions (blank lines ignored).
    public static func load(from url: URL) throws -> [EvaluationQuestion] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).enumerated().compactMap { number, line in
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            do {
                return try JSONDecoder().decode(EvaluationQuestion.self, from: Data(line.utf8))
            } catch {
                throw EvaluationError.malformedQuestion(line: number + 1, reason: "\(error)")
            }
        }
    }
}

/// Why an evaluation could not run.
public enum EvaluationError: Error, Equatable, CustomStringConvertible, Sendable {
    case malformedQuestion(line: Int, reason: String)
    case answerNotFound(question: String, file: String)

    public var description: String {
        switch self {
        case .malformedQuestion(let line, let reason): "questions line \(line): \(reason)"
        case .answerNotFound(let question, let file): "question \(question): its answer_span does not occur in \(file)"
        }
    }
}
