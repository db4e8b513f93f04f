import Embeddings
import Foundation
import FuzzSupport

/// Limits small enough that no input makes a run allocate gigabytes of pixels, large enough for
/// every feature of the three formats.
private let decoder = ImageDecoder(maxPixels: 4_000_000, maxBytes: 1 << 20)
/// The image model's preprocessing, with its default limits.
private let preprocessor = ImagePreprocessor()

/// The input as an image upload (JPEG, PNG or WebP): its header is probed, it is decoded at full
/// size and at thumbnail scale, and the full-size image is checked and preprocessed into the
/// image model's input tensor as the encoder does. Decoding errors are expected; crashes and
/// sanitizer reports are bugs, and so is a decoded size other than the probed one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = FuzzInput(start, count).data
    let info = try? ImageDecoder.probe(data)
    if let image = try? decoder.decode(data) {
        if let info {
            require(info.width == image.width && info.height == image.height,
                    "probe says \(info.width) × \(info.height), decode gives \(image.width) × \(image.height)")
        }
        if (try? preprocessor.checkResizedSize(of: image)) != nil {
            _ = try? preprocessor.tensor(image)
        }
    }
    _ = try? decoder.decode(data, minimumLongestSide: 64)
    return 0
}
