import Embeddings

extension APIError {
    /// The answer to an upload that is not a usable image: 415 for what is not
    /// an image (or a format Quarry cannot read), 413 for too many bytes, 422 for
    /// too many pixels, an extreme aspect ratio or a damaged file, 400 for nothing at all.
    init(_ error: ImageDecodingError) {
        switch error {
        case .empty:
            self.init(.badRequest, code: "empty_image", message: error.description)
        case .unsupportedFormat:
            self.init(
                .unsupportedMediaType, code: "unsupported_image_format", message: error.description + "; send JPEG, PNG, WebP, GIF, BMP or TIFF")
        case .tooManyBytes:
            self.init(.contentTooLarge, code: "image_too_large", message: error.description)
        case .tooManyPixels, .tooManyPixelsAfterResize:
            self.init(.unprocessableContent, code: "image_too_many_pixels", message: error.description)
        case .extremeAspectRatio:
            self.init(.unprocessableContent, code: "image_aspect_ratio", message: error.description)
        case .corrupt, .outOfMemory:
            self.init(.unprocessableContent, code: "unreadable_image", message: error.description)
        }
    }

    static func itemNotFound(_ id: String, collection: String) -> APIError {
        APIError(.notFound, code: "item_not_found", message: "collection \"\(collection)\" has no item \(id)")
    }
}
