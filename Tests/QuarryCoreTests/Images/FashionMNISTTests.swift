import Foundation
import Testing

@testable import QuarryCore

@Suite struct FashionMNISTTests {
    @Test func readsTheDebianPackagesTestSplit() throws {
        let items = try FashionMNIST().items(.test, limit: 20)
        #expect(items.count == 20)
        #expect(items.allSatisfy { $0.pixels.count == 784 && (0..<10).contains($0.label) && $0.split == .test })
        // The first test images of Fashion-MNIST are an ankle boot, a pullover and a trouser.
        #expect(items.prefix(3).map(\.category) == ["Ankle boot", "Pullover", "Trouser"])
        let all = try FashionMNIST().items(.all, limit: 3)
        #expect(all.allSatisfy { $0.split == .train })
    }

    @Test func pricesAreDeterministicAndInTheirCategoryRange() {
        for label in 0..<10 {
            let price = FashionMNIST.price(label: label, key: "test/\(label)")
            #expect(price == FashionMNIST.price(label: label, key: "test/\(label)"))
            #expect(FashionMNIST.priceRanges[label].contains(price - 0.99))
        }
        #expect(FashionMNIST.price(label: 0, key: "a") != FashionMNIST.price(label: 0, key: "b"))
    }

    @Test func damagedFilesGiveClearErrors() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: FashionMNIST.ReadError.self) { try FashionMNIST(folder: folder.url).items(.test) }
        try Data("not gzip".utf8).write(to: folder.url.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        try Data("not gzip".utf8).write(to: folder.url.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        do {
            _ = try FashionMNIST(folder: folder.url).items(.test)
            Issue.record("expected an error")
        } catch let error as FashionMNIST.ReadError {
            #expect(error.description.contains("not a valid IDX file"))
        }
    }
}
