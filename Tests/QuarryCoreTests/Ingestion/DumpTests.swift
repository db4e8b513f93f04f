import Foundation
import Testing
@testable import QuarryCore

@Suite struct DumpTests {
    @Test func dump() throws {
        guard let path = ProcessInfo.processInfo.environment["DUMP_FILE"] else { return }
        let document = try DocumentReaderRegistry.standard().read(contentsOf: URL(fileURLWithPath: path))
        print("TITLE \(document.title ?? "-") sections=\(document.sections.count)")
        for s in document.sections.prefix(Int(ProcessInfo.processInfo.environment["DUMP_N"] ?? "40")!) {
            print("SEC p=\(s.page.map(String.init) ?? "-") \(s.kind) [\(s.chapterPath.joined(separator: " > "))] \(s.text.prefix(70).debugDescription)")
        }
        let chunker = try Chunker(configuration: .init(targetTokens: 200, overlapTokens: 40))
        let passages = chunker.chunk(document, source: "x")
        print("PASSAGES \(passages.count)")
        for p in passages.prefix(Int(ProcessInfo.processInfo.environment["DUMP_P"] ?? "3")!) {
            print("PAS p=\(p.page.map(String.init) ?? "-") tok=\(p.tokenCount) [\(p.chapter)] \(p.text.debugDescription)")
        }
    }
}
