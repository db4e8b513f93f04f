import Foundation
import Logging
import QuarryCore
import Testing

/// The bundled sample course and its questions, end to end: ingest the
/// Markdown, ask every question, score the answers.
@Suite(.serialized) struct SampleCourseEvaluationTests {
    static let course = TestModels.repositoryRoot.appendingPathComponent("courses/sample")

    @Test func hybridMatchesOrBeatsVectorSearch() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let collection = try TextCollection.create(name: "course", in: folder.url, encoder: TestModels.e5, logger: Logger(label: "test"))
        let ingestor = DocumentIngestor(
            chunker: try Chunker(
                configuration: DocumentIngestor.defaultChunking, tokenCounter: EncoderTokenCounter(encoder: TestModels.e5)
            ))
        let markdown = Self.course.appendingPathComponent("markdown")
        let summary = try ingestor.ingest(paths: [markdown], into: collection)
        #expect(summary.files == 5 && summary.failures.isEmpty)
        #expect(collection.index.count == (try collection.store.passageCount()))

        let questions = try EvaluationQuestion.load(from: Self.course.appendingPathComponent("questions.jsonl"))
        #expect(questions.count >= 15)
        let report = try Evaluator(collection: collection, corpusRoot: markdown).run(
            questions: questions, questionsFile: "questions.jsonl", modes: [.hybrid, .vector, .keyword]
        )
        let byMode = Dictionary(uniqueKeysWithValues: report.modes.map { ($0.mode, $0) })
        let hybrid = try #require(byMode[.hybrid])
        let vector = try #require(byMode[.vector])
        #expect(hybrid.hitAt["5"]! >= vector.hitAt["5"]!)
        #expect(hybrid.hitAt["10"]! >= vector.hitAt["10"]!)
        #expect(hybrid.hitAt["5"]! >= 0.85)
        #expect((1...10).contains(report.recommendedTopK))

        // Re-ingesting the same files changes nothing.
        let again = try ingestor.ingest(paths: [markdown], into: collection)
        #expect(again.unchanged == 5 && again.passages == 0)
    }
}
