import Foundation

/// Runs an evaluation set against a text collection.
public struct Evaluator {
    public let collection: TextCollection
    /// Folder the questions' file paths are relative to (the folder that was ingested).
    public let corpusRoot: URL

    public init(collection: TextCollection, corpusRoot: URL) {
        self.collection = collection
        self.corpusRoot = corpusRoot
    }

    /// Asks every question in every mode and scores the answers.
    public func run(
        questions: [EvaluationQuestion], questionsFile: String, modes: [SearchMode], ks: [Int] = [1, 3, 5, 10]
    ) throws -> EvaluationReport {
        var locator = AnswerLocator(corpusRoot: corpusRoot)
        let depth = max(10, ks.max() ?? 10)
        var outcomes: [EvaluationReport.QuestionOutcome] = []
        var ranks: [SearchMode: [Int?]] = [:]
        var latencies: [SearchMode: [Double]] = [:]
        for question in questions {
            guard let answers = locator.occurrences(of: question.answerSpan, in: question.file), !answers.isEmpty else {
                throw EvaluationError.answerNotFound(question: question.id, file: question.file)
            }
            var expected: [String: [Range<Int>]] = [question.file: answers]
            for file in question.altFiles {
                // An alternative file without the exact answer text answers in its own words: any passage counts.
                expected[file] = locator.occurrences(of: question.answerSpan, in: file) ?? []
            }
            var outcome = EvaluationReport.QuestionOutcome(
                id: question.id, question: question.question, expectedFile: question.file,
                expectedHeading: question.heading, firstHitRank: [:], topResult: [:]
            )
            for mode in modes {
                let start = Stopwatch()
                let result = try collection.search(TextSearchRequest(query: question.question, topK: depth, mode: mode))
                latencies[mode, default: []].append(start.milliseconds)
                let rank = result.hits.first { Self.isHit($0.passage, expected: expected) }?.rank
                ranks[mode, default: []].append(rank)
                outcome.firstHitRank[mode.rawValue] = rank
                if let top = result.hits.first {
                    outcome.topResult[mode.rawValue] = top.passage.source + (top.passage.chapter.isEmpty ? "" : " § " + top.passage.chapter)
                }
            }
            outcomes.append(outcome)
        }
        let summaries = modes.map { mode in
            Self.summary(mode: mode, ranks: ranks[mode] ?? [], latencies: latencies[mode] ?? [], ks: ks)
        }
        let reference = summaries.first { $0.mode == .hybrid } ?? summaries.first
        let groups = Self.groups(of: questions).map { name, members in
            EvaluationReport.GroupSummary(
                name: name, count: members.count,
                modes: modes.map { mode in
                    let modeRanks = ranks[mode] ?? []
                    let modeLatencies = latencies[mode] ?? []
                    return Self.summary(mode: mode, ranks: members.map { modeRanks[$0] }, latencies: members.map { modeLatencies[$0] }, ks: ks)
                })
        }
        return EvaluationReport(
            collection: collection.name, questionsFile: questionsFile, createdAt: Date(), ks: ks, modes: summaries, groups: groups,
            questions: outcomes, recommendedTopK: reference.map { Self.recommendedTopK(ranks: ranks[$0.mode] ?? []) } ?? 5
        )
    }

    /// The questions' positions grouped by split ("split: tune") and by type ("type: factual"),
    /// splits first, each in name order; questions without a split or type are in no group.
    static func groups(of questions: [EvaluationQuestion]) -> [(name: String, members: [Int])] {
        var bySplit: [String: [Int]] = [:]
        var byType: [String: [Int]] = [:]
        for (position, question) in questions.enumerated() {
            if let split = question.split { bySplit["split: " + split, default: []].append(position) }
            if let type = question.type { byType["type: " + type, default: []].append(position) }
        }
        return bySplit.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + byType.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func isHit(_ passage: StoredPassage, expected: [String: [Range<Int>]]) -> Bool {
        guard let answers = expected[passage.source] else { return false }
        guard !answers.isEmpty else { return true }
        guard let span = passage.span else { return false }
        return answers.contains { $0.overlaps(span) }
    }

    static func summary(mode: SearchMode, ranks: [Int?], latencies: [Double], ks: [Int]) -> EvaluationReport.ModeSummary {
        let count = Double(max(ranks.count, 1))
        var hitAt: [String: Double] = [:]
        for k in ks { hitAt[String(k)] = Double(ranks.filter { ($0 ?? .max) <= k }.count) / count }
        let mrr = ranks.reduce(0.0) { $0 + ($1.map { $0 <= 10 ? 1 / Double($0) : 0 } ?? 0) } / count
        let sorted = latencies.sorted()
        return .init(
            mode: mode, hitAt: hitAt, mrrAt10: mrr,
            latencyP50Milliseconds: percentile(sorted, 0.5), latencyP95Milliseconds: percentile(sorted, 0.95)
        )
    }

    /// The smallest k (1…10) whose Hit@k reaches 95% of Hit@10.
    static func recommendedTopK(ranks: [Int?]) -> Int {
        let hitsAt10 = ranks.filter { ($0 ?? .max) <= 10 }.count
        return (1...10).first { k in Double(ranks.filter { ($0 ?? .max) <= k }.count) >= 0.95 * Double(hitsAt10) } ?? 10
    }
}
