import Foundation
import QuarryCore
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct NprobeStudyTests {
    static let study = NprobeStudy(
        collection: "shop & <co>", factory: "IVF1058,Flat", nlist: 1058, vectors: 44_441, queries: 500, k: 10,
        targetRecall: 0.95,
        exact: .init(nprobe: 0, recall: 1, meanMilliseconds: 12.5, p95Milliseconds: 14.3),
        measurements: [
            .init(nprobe: 1, recall: 0.412, meanMilliseconds: 0.052, p95Milliseconds: 0.08),
            .init(nprobe: 2, recall: 0.573, meanMilliseconds: 0.081, p95Milliseconds: 0.12),
            .init(nprobe: 4, recall: 0.724, meanMilliseconds: 0.14, p95Milliseconds: 0.2),
            .init(nprobe: 8, recall: 0.851, meanMilliseconds: 0.26, p95Milliseconds: 0.35),
            .init(nprobe: 16, recall: 0.934, meanMilliseconds: 0.5, p95Milliseconds: 0.66),
            .init(nprobe: 32, recall: 0.972, meanMilliseconds: 0.98, p95Milliseconds: 1.3),
            .init(nprobe: 64, recall: 0.99, meanMilliseconds: 1.9, p95Milliseconds: 2.4),
            .init(nprobe: 128, recall: 0.998, meanMilliseconds: 3.7, p95Milliseconds: 4.6),
            .init(nprobe: 256, recall: 1, meanMilliseconds: 7.2, p95Milliseconds: 8.9),
        ],
        chosenNprobe: 32,
        categoryPrecision: .init(queries: 1000, k: 10, flat: 0.812, ivf: 0.807, nprobe: 32),
        machine: "2-core AMD EPYC, 24 GiB", date: Date(timeIntervalSince1970: 1_760_000_000)
    )

    @Test func markdownHasTheTableAndTheChoice() {
        let markdown = Self.study.markdown()
        #expect(markdown.hasPrefix("# nprobe study: shop & <co>\n"))
        #expect(markdown.contains("| nprobe | recall@10 | mean ms | p95 ms | speed-up vs exact |"))
        #expect(markdown.contains("| exact (Flat) | 1.000 | 12.5 | 14.3 | 1.0× |"))
        #expect(markdown.contains("| 1 | 0.412 | 0.052 | 0.080 | 240.4× |"))
        #expect(markdown.contains("| **32** (chosen) | 0.972 | 0.980 | 1.30 | 12.8× |"))
        #expect(markdown.contains("| 256 | 1.000 | 7.20 | 8.90 | 1.7× |"))
        #expect(markdown.contains("The smallest nprobe reaching it is **32**"))
        #expect(markdown.contains("## Category precision"))
        #expect(markdown.contains("exact (Flat) 0.812, IVF at nprobe 32 0.807"))
        #expect(markdown.contains("![recall and latency against nprobe](report.svg)"))
        #expect(markdown.contains("2-core AMD EPYC, 24 GiB"))
    }

    @Test func markdownWithoutAChoice() {
        var study = Self.study
        study.chosenNprobe = nil
        study.categoryPrecision = nil
        study.targetRecall = 1.5
        let markdown = study.markdown()
        #expect(markdown.contains("No nprobe reached it; the best was nprobe 256 with recall 1.000."))
        #expect(!markdown.contains("(chosen)") && !markdown.contains("Category precision"))
    }

    @Test func jsonRoundTrips() throws {
        let data = try Self.study.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"chosen_nprobe\" : 32"))
        #expect(text.contains("\"mean_milliseconds\""))
        #expect(text.contains("\"date\" : \"2025-10-09T08:53:20Z\""))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(NprobeStudy.self, from: data) == Self.study)

        var sparse = Self.study
        sparse.exact = nil
        sparse.chosenNprobe = nil
        sparse.categoryPrecision = nil
        #expect(try decoder.decode(NprobeStudy.self, from: sparse.jsonData()) == sparse)
    }

    @Test func chartIsWellFormedSVG() throws {
        let svg = Self.study.svgChart()
        let outline = try SVGOutline(svg)
        #expect(outline.root == "svg")
        #expect(outline.polylines == ["latency", "recall"])
        #expect(outline.ids.contains("target-recall") && outline.ids.contains("chosen-nprobe"))
        #expect(outline.texts.contains("nprobe sweep: shop & <co>"))
        #expect(outline.texts.contains("target recall 0.95"))
        for nprobe in [1, 2, 4, 8, 16, 32, 64, 128, 256] {
            #expect(outline.texts.contains(String(nprobe)))
        }
        #expect(svg.contains("shop &amp; &lt;co&gt;"))

        var empty = Self.study
        empty.measurements = []
        empty.chosenNprobe = nil
        let emptyOutline = try SVGOutline(empty.svgChart())
        #expect(emptyOutline.polylines.isEmpty && emptyOutline.texts.contains("no measurements"))
    }

    @Test func writesTheThreeFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let reports = folder.url.appendingPathComponent("tune/shop")
        try Self.study.write(to: reports)
        let names = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(names == ["report.json", "report.md", "report.svg"])
        #expect(try String(contentsOf: reports.appendingPathComponent("report.md"), encoding: .utf8) == Self.study.markdown())
        #expect(try Data(contentsOf: reports.appendingPathComponent("report.json")) == Self.study.jsonData())
        #expect(try String(contentsOf: reports.appendingPathComponent("report.svg"), encoding: .utf8) == Self.study.svgChart())
    }
}

/// What a test needs to know of an SVG document: that it parses, and its elements.
private final class SVGOutline: NSObject, XMLParserDelegate {
    private(set) var root: String?
    private(set) var polylines: [String] = []
    private(set) var ids: Set<String> = []
    private(set) var texts: [String] = []
    private var currentText: String?

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw parser.parserError ?? CocoaError(.coderReadCorrupt)
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root == nil { root = name }
        if let id = attributes["id"] { ids.insert(id) }
        if name == "polyline" { polylines.append(attributes["id"] ?? "") }
        if name == "text" { currentText = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText? += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let text = currentText {
            texts.append(text)
            currentText = nil
        }
    }
}
