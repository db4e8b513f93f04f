import Embeddings
import Foundation
import Hummingbird
import QuarryCore

/// `/v1/collections/{name}/…` routes of image collections: search by an
/// uploaded image, "more like this", item details, image files and uploads.
struct ImageRoutes {
    let library: CollectionLibrary
    let limits: RequestLimits
    let executor: SearchExecutor
    let metrics: QuarryMetrics
    let writes: WriteCoordinator

    func register(on groups: RouteGroups) {
        let searches = groups.searches.group("v1/collections")
        searches.post(":name/search/image", use: searchByImage)
        searches.get(":name/items/:id/similar", use: similar)
        let reads = groups.reads.group("v1/collections")
        reads.get(":name/items/:id", use: item)
        reads.get(":name/items/:id/image", use: imageFile)
        reads.get(":name/items/:id/thumbnail", use: thumbnailFile)
        reads.get(":name/duplicates", use: duplicates)
        groups.writes.group("v1/collections").post(":name/images", use: addImages)
    }

    /// `POST …/search/image`: the image comes as multipart field `image` or as a raw image body.
    func searchByImage(_ request: Request, _ context: QuarryRequestContext) async throws -> ImageSearchResponse {
        let collection = try library.imageCollection(context)
        let query = try imageQuery(request, collection, context)
        let data = try await uploadedImage(request)
        let start = Stopwatch()
        let result: ImageSearchResult
        do {
            result = try await executor.runSharing(.search(degraded: context.isDegraded)) { threads in
                try collection.search(imageData: data, topK: query.topK, nprobe: query.nprobe, filter: query.filter, threads: threads)
            }
        } catch let error as ImageDecodingError {
            throw APIError(error)
        }
        metrics.recordSearch(
            collection: collection.name, model: collection.configuration.model, timings: result.timings, unknownIDs: result.unknownIDs)
        return ImageSearchResponse(
            collection: collection.name, tookMilliseconds: start.milliseconds, result: result, degraded: context.isDegraded
        )
    }

    /// `GET …/items/{id}/similar`: the items most like a stored one.
    func similar(_ request: Request, _ context: QuarryRequestContext) async throws -> ImageSearchResponse {
        let collection = try library.imageCollection(context)
        let id = try itemID(context, in: collection)
        let query = try imageQuery(request, collection, context)
        let start = Stopwatch()
        guard
            let result = try await executor.run(
                .search(degraded: context.isDegraded),
                { try collection.similar(to: id, topK: query.topK, nprobe: query.nprobe, filter: query.filter) })
        else {
            throw APIError.itemNotFound("\(id)", collection: collection.name)
        }
        metrics.recordSearch(
            collection: collection.name, model: collection.configuration.model, timings: result.timings, unknownIDs: result.unknownIDs)
        return ImageSearchResponse(
            collection: collection.name, tookMilliseconds: start.milliseconds, result: result, degraded: context.isDegraded,
            queryID: id
        )
    }

    /// `GET …/items/{id}`.
    func item(_ request: Request, _ context: QuarryRequestContext) async throws -> ImageItemResponse {
        let collection = try library.imageCollection(context)
        return ImageItemResponse(try storedImage(context, in: collection), collection: collection.name)
    }

    /// `GET …/items/{id}/image`: the original file, only from the collection's media folder.
    func imageFile(_ request: Request, _ context: QuarryRequestContext) async throws -> Response {
        let collection = try library.imageCollection(context)
        let image = try storedImage(context, in: collection)
        guard let url = collection.mediaFile(for: image), let data = FileManager.default.contents(atPath: url.path) else {
            throw APIError(.notFound, code: "file_not_found", message: "the image file of item \(image.id) is missing")
        }
        return fileResponse(data, contentType: ImageFormat.sniff(data).mimeType)
    }

    /// `GET …/items/{id}/thumbnail`: a JPEG at most ``ImageCollection/thumbnailSide`` pixels on its longest side.
    func thumbnailFile(_ request: Request, _ context: QuarryRequestContext) async throws -> Response {
        let collection = try library.imageCollection(context)
        let image = try storedImage(context, in: collection)
        guard let data = FileManager.default.contents(atPath: collection.thumbnailFile(for: image).path) else {
            throw APIError(.notFound, code: "file_not_found", message: "the thumbnail of item \(image.id) is missing")
        }
        return fileResponse(data, contentType: "image/jpeg")
    }

    /// `POST …/images` (admin): image files as multipart parts, with optional fields
    /// `category`, `price`, `title` and `metadata` (a JSON object) applied to each.
    func addImages(_ request: Request, _ context: QuarryRequestContext) async throws -> EditedResponse<ImagesResponse> {
        let collection = try library.imageCollection(context)
        guard MultipartUpload.isMultipart(request) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "send the images as multipart/form-data")
        }
        let form = try await MultipartUpload.form(from: request, limit: limits.maxImageBytes, shape: limits.multipartShape)
        guard !form.files.isEmpty else { throw APIError.invalidRequest("the form has no image file") }
        let fields = try UploadFields(form.fields)
        let inputs = form.files.map { file in
            ImageInput.upload(
                file.data, fileName: file.name, category: fields.category, price: fields.price, title: fields.title, metadata: fields.metadata
            )
        }
        let (result, sequence) = try await writes.addImages(inputs, to: collection, executor: executor)
        let duplicates = try await executor.run { try collection.nearestDuplicates(ofStored: result.storedIDs) }
        metrics.recordEmbedding(model: collection.configuration.model, seconds: result.embeddingSeconds, inputs: result.embeddedImages)
        var response = ImagesResponse(collection: collection.name)
        for (file, outcome) in zip(form.files, result.outcomes) {
            switch outcome {
            case .stored(let id):
                let duplicate = duplicates[id].map { DuplicateResponse($0, collection: collection.name) }
                response.images.append(.init(file: file.name, status: "stored", id: id, error: nil, duplicateOf: duplicate))
            case .unchanged: response.images.append(.init(file: file.name, status: "unchanged", id: nil, error: nil))
            case .superseded: response.images.append(.init(file: file.name, status: "superseded", id: nil, error: nil))
            case .failed(let reason): response.images.append(.init(file: file.name, status: "failed", id: nil, error: reason))
            }
        }
        response.vectors = collection.vectorCount
        response.seq = WriteSequence(sequence)
        let anyStored = response.images.contains { $0.status != "failed" }
        return EditedResponse(status: anyStored ? .created : .unprocessableContent, response: response)
    }

    /// `GET …/duplicates`: groups of stored images that nearly duplicate one another, largest
    /// first; `threshold` (0.5–1, default the collection's) and `limit` (groups, default 100).
    func duplicates(_ request: Request, _ context: QuarryRequestContext) async throws -> DuplicatesResponse {
        let collection = try library.imageCollection(context)
        let query = try DuplicatesQuery(request, defaultThreshold: collection.duplicateThreshold)
        let groups = try await executor.run { try collection.duplicateGroups(threshold: query.threshold) }
        return DuplicatesResponse(collection: collection.name, threshold: query.threshold, groups: groups, limit: query.limit)
    }

    /// The form fields of an image upload.
    struct UploadFields {
        var category = ""
        var price: Double?
        var title: String?
        var metadata: [String: JSONValue] = [:]

        init(_ fields: [String: String]) throws(APIError) {
            for name in fields.keys where !["category", "price", "title", "metadata"].contains(name) {
                throw APIError.invalidRequest("unknown form field \"\(name)\"; expected category, price, title, metadata")
            }
            category = fields["category"] ?? ""
            title = fields["title"]
            if let text = fields["price"] {
                guard let price = Double(text), price.isFinite, price >= 0 else {
                    throw APIError.invalidRequest("price must be a non-negative number, got \"\(text)\"")
                }
                self.price = price
            }
            if let text = fields["metadata"] {
                guard let object = try? StrictJSON.decode([String: JSONValue].self, from: Data(text.utf8)) else {
                    throw APIError.invalidRequest("metadata must be a JSON object")
                }
                metadata = object
            }
        }
    }

    /// The query parameters of a search, made cheaper when the server is under load.
    func imageQuery(_ request: Request, _ collection: ImageCollection, _ context: QuarryRequestContext) throws -> ImageQuery {
        let query = try ImageQuery(request, limits: limits, defaultTopK: collection.configuration.searchDefaults.topK)
        guard context.isDegraded else { return query }
        metrics.recordDegradedRequest()
        return query.degraded(defaultNprobe: collection.defaultNprobe)
    }

    /// The query image of a search request, at most ``RequestLimits/maxImageBytes`` long.
    func uploadedImage(_ request: Request) async throws -> Data {
        if MultipartUpload.isMultipart(request) {
            let files = try await MultipartUpload.form(from: request, limit: limits.maxImageBytes, shape: limits.multipartShape).files
            guard let file = files.first(where: { $0.field == "image" }) ?? (files.count == 1 ? files.first : nil) else {
                throw APIError.invalidRequest("the form needs one file in the field \"image\"")
            }
            return file.data
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("image/") || contentType.hasPrefix("application/octet-stream") else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "send the image as multipart/form-data (field \"image\") or as a body of type image/*, not \"\(contentType)\""
            )
        }
        return Data(buffer: try await request.collectBody(upTo: limits.maxImageBytes))
    }

    func itemID(_ context: QuarryRequestContext, in collection: ImageCollection) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw APIError.itemNotFound(text, collection: collection.name) }
        return id
    }

    func storedImage(_ context: QuarryRequestContext, in collection: ImageCollection) throws -> StoredImage {
        let id = try itemID(context, in: collection)
        guard let image = try collection.image(id: id) else { throw APIError.itemNotFound("\(id)", collection: collection.name) }
        return image
    }

    func fileResponse(_ data: Data, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: "public, max-age=3600", .init("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
