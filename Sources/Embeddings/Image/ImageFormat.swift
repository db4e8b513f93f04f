import CImageCodecs
import Foundation

/// Image container formats recognised from their first bytes (magic numbers).
///
/// All but ``heif`` and ``unknown`` can be decoded; HEIF is recognised so that the error
/// message can name it.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    case jpeg
    case png
    case webp
    case gif
    case bmp
    case tiff
    case heif
    case unknown

    /// Whether ``ImageDecoder`` can decode this format.
    public var isDecodable: Bool { self != .heif && self != .unknown }

    /// The usual MIME type (`application/octet-stream` for ``unknown``).
    public var mimeType: String {
        switch self {
        case .jpeg: return "image/jpeg"
        case .png: return "image/png"
        case .webp: return "image/webp"
        case .gif: return "image/gif"
        case .bmp: return "image/bmp"
        case .tiff: return "image/tiff"
        case .heif: return "image/heif"
        case .unknown: return "application/octet-stream"
        }
    }

    /// Detects the format from the leading bytes of `data`.
    public static func sniff(_ data: Data) -> ImageFormat {
        data.withUnsafeBytes { raw in
            ImageFormat(cFormat: cic_sniff(raw.bindMemory(to: UInt8.self).baseAddress, raw.count))
        }
    }

    init(cFormat: cic_format) {
        switch cFormat {
        case CIC_FORMAT_JPEG: self = .jpeg
        case CIC_FORMAT_PNG: self = .png
        case CIC_FORMAT_WEBP: self = .webp
        case CIC_FORMAT_GIF: self = .gif
        case CIC_FORMAT_BMP: self = .bmp
        case CIC_FORMAT_TIFF: self = .tiff
        case CIC_FORMAT_HEIF: self = .heif
        default: self = .unknown
        }
    }
}
