import CImageCodecs
import Foundation

/// Why an image could not be encoded.
public enum ImageWritingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The codec refused the image; `reason` is its message.
    case failed(format: ImageFormat, reason: String)

    public var description: String {
        switch self {
        case .failed(let format, let reason): return "cannot encode \(format.rawValue): \(reason)"
        }
    }
}

/// Encodes RGB images as JPEG (libjpeg-turbo) or PNG (libpng).
public enum ImageWriter {
    /// Baseline JPEG, 4:2:0 chroma subsampling, optimised Huffman tables.
    /// - Parameter quality: 1…100 (clamped).
    public static func jpegData(_ image: DecodedImage, quality: Int = 85) throws(ImageWritingError) -> Data {
        try encode(.jpeg, image) { rgb, out, length, message in
            cic_encode_jpeg(rgb, Int32(image.width), Int32(image.height), Int32(clamping: quality), out, length, message)
        }
    }

    /// 8-bit RGB PNG (zlib level 6).
    public static func pngData(_ image: DecodedImage) throws(ImageWritingError) -> Data {
        try encode(.png, image) { rgb, out, length, message in
            cic_encode_png(rgb, Int32(image.width), Int32(image.height), out, length, message)
        }
    }

    private static func encode(
        _ format: ImageFormat, _ img: DecodedImage,
        _ call: (
            UnsafePointer<UInt8>, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
            UnsafeMutablePointer<CChar>
        ) -> cic_status
    ) throws(ImageWritingError) -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: Int(CIC_MESSAGE_LENGTH))
        let status = img.pixels.withUnsafeBufferPointer { rgb in
            message.withUnsafeMutableBufferPointer { msg in
                call(rgb.baseAddress!, &out, &length, msg.baseAddress!)
            }
        }
        guard status == CIC_OK, let out else {
            throw .failed(format: format, reason: ImageDecoder.string(message))
        }
        defer { cic_free(out) }
        return Data(bytes: out, count: length)
    }
}
