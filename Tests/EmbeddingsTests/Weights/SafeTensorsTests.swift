import Foundation
import XCTest

@testable import Embeddings

final class SafeTensorsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("safetensors-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes a safetensors file from a header (as JSON text) and a data section.
    private func write(header: String, data: [UInt8], name: String = "t.safetensors", lengthOverride: UInt64? = nil) throws -> URL {
        var bytes = [UInt8]()
        let h = Array(header.utf8)
        let length = lengthOverride ?? UInt64(h.count)
        for i in 0..<8 { bytes.append(UInt8((length >> (8 * UInt64(i))) & 0xFF)) }
        bytes += h
        bytes += data
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    private func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    }

    private func expectError(
        _ url: URL, file: StaticString = #filePath, line: UInt = #line,
        _ check: (SafeTensorsError) -> Bool
    ) {
        do {
            _ = try SafeTensors(contentsOf: url)
            XCTFail("expected an error", file: file, line: line)
        } catch let e as SafeTensorsError {
            XCTAssertTrue(check(e), "unexpected error \(e)", file: file, line: line)
            XCTAssertFalse(e.description.isEmpty)
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    func testReadsFloatHalfBFloatAndIntegerTensors() throws {
        let f32: [Float] = [1, -2.5, 3.25, 0, 1e-3, 65504]
        let f16: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x7C00, 0x3555]  // 1, -2, 2^-24, +inf, ≈0.333
        let bf16: [UInt16] = [0x3F80, 0xC040]  // 1, -3
        let i64: [Int64] = [0, 1, -7]
        var data = le(f32.map(\.bitPattern))
        let o1 = data.count
        data += le(f16)
        let o2 = data.count
        data += le(bf16)
        let o3 = data.count
        data += le(i64)
        let header = """
            {"__metadata__":{"format":"pt"},
             "w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,\(o1)]},
             "h":{"dtype":"F16","shape":[5],"data_offsets":[\(o1),\(o2)]},
             "b":{"dtype":"BF16","shape":[1,2],"data_offsets":[\(o2),\(o3)]},
             "ids":{"dtype":"I64","shape":[3],"data_offsets":[\(o3),\(data.count)]},
             "scalar":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}
            """
        let st = try SafeTensors(contentsOf: write(header: header, data: data))
        XCTAssertEqual(st.names, ["b", "h", "ids", "scalar", "w"])
        XCTAssertEqual(st.metadata, ["format": "pt"])
        XCTAssertEqual(try st.shape(of: "w"), [2, 3])
        XCTAssertEqual(try st.dtype(of: "h"), .f16)
        XCTAssertEqual(try st.floats("w"), f32)
        XCTAssertEqual(try st.floats("w", expectedShape: [2, 3]), f32)
        let halves = try st.floats("h")
        XCTAssertEqual(Array(halves[0..<3]), [1, -2, Float(sign: .plus, exponent: -24, significand: 1)])
        XCTAssertEqual(halves[3], .infinity)
        XCTAssertEqual(halves[4], 0.33325195, accuracy: 1e-7)
        XCTAssertEqual(try st.floats("b"), [1, -3])
        XCTAssertEqual(try st.integers("ids"), [0, 1, -7])
        XCTAssertEqual(try st.floats("scalar"), [1])
        XCTAssertEqual(try st.info("scalar").elementCount, 1)
        try st.withRawBytes("w") { XCTAssertEqual($0.count, 24) }
        XCTAssertTrue(st.contains("w"))
        XCTAssertFalse(st.contains("nope"))
    }

    func testLookupErrorsNameTheTensor() throws {
        let st = try SafeTensors(
            contentsOf: write(
                header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"i":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}"#,
                data: [UInt8](repeating: 0, count: 12)))
        XCTAssertThrowsError(try st.floats("missing")) { e in
            guard case SafeTensorsError.tensorNotFound(_, "missing") = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try st.floats("w", expectedShape: [3])) { e in
            XCTAssertEqual(e as? SafeTensorsError, .shapeMismatch(name: "w", expected: [3], actual: [2]))
        }
        XCTAssertThrowsError(try st.floats("i")) { e in
            XCTAssertEqual(e as? SafeTensorsError, .unsupportedDType(name: "i", dtype: "I32", wanted: "Float"))
        }
        XCTAssertThrowsError(try st.integers("w")) { e in
            XCTAssertEqual(e as? SafeTensorsError, .unsupportedDType(name: "w", dtype: "F32", wanted: "Int"))
        }
    }

    func testMalformedFilesAreRejectedWithContext() throws {
        // Shorter than the length prefix.
        let tiny = directory.appendingPathComponent("tiny")
        try Data([1, 2, 3]).write(to: tiny)
        expectError(tiny) { if case .truncated = $0 { return true } else { return false } }
        // Header longer than the file.
        expectError(try write(header: "{}", data: [], name: "a", lengthOverride: 50)) {
            if case .truncated(_, _, 58) = $0 { return true } else { return false }
        }
        // Absurd header length.
        expectError(try write(header: "{}", data: [], name: "b", lengthOverride: 1 << 40)) {
            if case .headerTooLarge = $0 { return true } else { return false }
        }
        // Not JSON / not an object.
        expectError(try write(header: "{nope", data: [], name: "c")) {
            if case .invalidHeader = $0 { return true } else { return false }
        }
        expectError(try write(header: "[1,2]", data: [], name: "d")) {
            if case .invalidHeader = $0 { return true } else { return false }
        }
        // Unknown dtype, bad shape, offsets beyond the data, size inconsistent with shape.
        let cases: [(String, String)] = [
            (#"{"x":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}"#, "unknown dtype"),
            (#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, "shape"),
            (#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, "beyond the data section"),
            (#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, "needs"),
            (#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, "not ordered"),
            (#"{"x":{"dtype":"F32","shape":[1]}}"#, "data_offsets"),
        ]
        for (i, (header, fragment)) in cases.enumerated() {
            expectError(try write(header: header, data: [0, 0, 0, 0], name: "e\(i)")) {
                guard case .invalidEntry(_, let name, let reason) = $0 else { return false }
                return name == "x" && reason.contains(fragment)
            }
        }
        // Missing file.
        expectError(directory.appendingPathComponent("absent")) {
            if case .io = $0 { return true } else { return false }
        }
    }

    func testReadsTheEfficientNetWeights() throws {
        let url = ImageFixtures.weightsURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("EfficientNet-Lite0 weights not found at \(url.path); run scripts/fetch-models.sh")
        }
        let st = try SafeTensors(contentsOf: url)
        XCTAssertEqual(try st.shape(of: "_conv_stem.weight"), [32, 3, 3, 3])
        XCTAssertEqual(try st.shape(of: "_blocks.15._depthwise_conv.weight"), [1152, 1, 3, 3])
        XCTAssertEqual(try st.shape(of: "_fc.weight"), [1000, 1280])
        XCTAssertTrue(st.names.allSatisfy { (try? st.dtype(of: $0)) == .f32 })
        let fc = try st.floats("_fc.bias")
        XCTAssertEqual(fc.count, 1000)
        XCTAssertTrue(fc.allSatisfy(\.isFinite))
    }
}
