import Embeddings
import Foundation

/// The Fashion-MNIST product images (Zalando, MIT licence) as installed by
/// Debian's `dataset-fashion-mnist`: 70,000 28×28 greyscale pictures of ten
/// kinds of clothing, read from its gzipped IDX files.
public struct FashionMNIST: Sendable {
    /// Which part of the data set to read.
    public enum Split: String, Sendable, CaseIterable {
        /// The 10,000 test images (`t10k-*`).
        case test
        /// The 60,000 training images.
        case train
        /// Training then test images.
        case all
    }

    /// One picture and its class.
    public struct Item: Sendable {
        /// Position in the split, from 0 (the test images follow the training images in `.all`).
        public let index: Int
        /// The split the item comes from (`test` or `train`).
        public let split: Split
        /// 28 × 28 greyscale pixels, row by row.
        public let pixels: [UInt8]
        public let label: Int

        public var category: String { FashionMNIST.categories[label] }
    }

    /// Why the data set could not be read.
    public enum ReadError: Error, CustomStringConvertible, Sendable {
        case missing(path: String)
        case malformed(path: String, reason: String)

        public var description: String {
            switch self {
            case .missing(let path): "\(path) not found: install Debian's dataset-fashion-mnist package (scripts/setup.sh does)"
            case .malformed(let path, let reason): "\(path) is not a valid IDX file: \(reason)"
            }
        }
    }

    /// The class names, by label.
    public static let categories = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Simulated price range per category (in yuan), by label.
    static let priceRanges: [ClosedRange<Double>] = [
        39...129, 79...299, 99...399, 129...599, 299...1_299, 59...299, 69...259, 199...899, 99...1_999, 249...1_199,
    ]

    public static let side = 28
    public static let defaultFolder = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    public let folder: URL

    public init(folder: URL = FashionMNIST.defaultFolder) {
        self.folder = folder
    }

    /// Every item of `split`, in file order (at most `limit`).
    public func items(_ split: Split, limit: Int? = nil) throws -> [Item] {
        switch split {
        case .all:
            let train = try items(.train, limit: limit)
            let remaining = limit.map { max(0, $0 - train.count) }
            return train + (remaining == 0 ? [] : try items(.test, limit: remaining))
        case .test, .train:
            let prefix = split == .test ? "t10k" : "train"
            let images = try readIDX(prefix + "-images-idx3-ubyte.gz", magic: 0x0803)
            let labels = try readIDX(prefix + "-labels-idx1-ubyte.gz", magic: 0x0801)
            let pixelsPerImage = Self.side * Self.side
            let count = min(images.count, labels.count, limit ?? .max)
            guard images.body.count >= images.count * pixelsPerImage else {
                throw ReadError.malformed(path: prefix, reason: "image data is shorter than its header says")
            }
            return (0..<count).map { index in
                let start = images.body.startIndex + index * pixelsPerImage
                return Item(
                    index: index, split: split, pixels: Array(images.body[start..<start + pixelsPerImage]),
                    label: Int(labels.body[labels.body.startIndex + index])
                )
            }
        }
    }

    /// The simulated price of an item: drawn from its category's range by a
    /// generator seeded with the item's key, rounded to .99 — the same every run.
    public static func price(label: Int, key: String) -> Double {
        let range = priceRanges[label]
        var seed: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the key
        for byte in key.utf8 {
            seed = (seed ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        var generator = SplitMix64(seed: seed)
        let value = range.lowerBound + Double(generator.next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
        return value.rounded(.down) + 0.99
    }

    /// The picture as an RGB image.
    public static func image(of item: Item) -> DecodedImage {
        var rgb = [UInt8](repeating: 0, count: item.pixels.count * 3)
        for (offset, value) in item.pixels.enumerated() {
            rgb[offset * 3] = value
            rgb[offset * 3 + 1] = value
            rgb[offset * 3 + 2] = value
        }
        return DecodedImage(width: side, height: side, pixels: rgb, sourceFormat: .png)
    }

    /// Reads a gzipped IDX file: its item count (first dimension) and data bytes.
    private func readIDX(_ name: String, magic: UInt32) throws -> (count: Int, body: Data) {
        let url = folder.appendingPathComponent(name)
        guard let compressed = FileManager.default.contents(atPath: url.path) else { throw ReadError.missing(path: url.path) }
        let data: Data
        do {
            data = try Gzip.decompress(compressed)
        } catch {
            throw ReadError.malformed(path: url.path, reason: error.description)
        }
        func word(_ offset: Int) -> UInt32 {
            data.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        }
        guard data.count >= 8, word(0) == magic else { throw ReadError.malformed(path: url.path, reason: "unexpected magic number") }
        let dimensions = Int(magic & 0xff)
        guard data.count >= 4 + 4 * dimensions else { throw ReadError.malformed(path: url.path, reason: "truncated header") }
        return (Int(word(4)), data.subdata(in: (4 + 4 * dimensions)..<data.count))
    }
}
