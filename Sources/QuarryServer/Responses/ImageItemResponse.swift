import Hummingbird
import QuarryCore

/// `GET /v1/collections/{name}/items/{id}`: one stored image and its metadata.
struct ImageItemResponse: ResponseEncodable {
    let id: Int64
    let category: String
    @NullEncoded var price: Double?
    let title: String
    let width: Int
    let height: Int
    let imageURL: String
    let thumbnailURL: String
    let metadata: [String: JSONValue]

    init(_ image: StoredImage, collection: String) {
        id = image.id
        category = image.category
        price = image.price
        title = image.title
        width = image.width
        height = image.height
        imageURL = Self.imageURL(collection: collection, id: image.id)
        thumbnailURL = Self.thumbnailURL(collection: collection, id: image.id)
        metadata = image.metadata
    }

    static func imageURL(collection: String, id: Int64) -> String { "/v1/collections/\(collection)/items/\(id)/image" }
    static func thumbnailURL(collection: String, id: Int64) -> String { "/v1/collections/\(collection)/items/\(id)/thumbnail" }

    enum CodingKeys: String, CodingKey {
        case id, category, price, title, width, height, metadata
        case imageURL = "image_url"
        case thumbnailURL = "thumbnail_url"
    }
}

/// `POST /v1/collections/{name}/images`: what happened to each uploaded image.
struct ImagesResponse: ResponseEncodable {
    struct Item: Encodable {
        let file: String
        let status: String
        let id: Int64?
        let error: String?
        /// For a stored image, the stored image it nearly duplicates, or nil (`null`).
        var duplicateOf: DuplicateResponse?

        enum CodingKeys: String, CodingKey {
            case file, status, id, error
            case duplicateOf = "duplicate_of"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(status, forKey: .status)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encodeIfPresent(error, forKey: .error)
            if id != nil { try container.encode(duplicateOf, forKey: .duplicateOf) }
        }
    }
    let collection: String
    var images: [Item] = []
    var vectors = 0
    var seq = WriteSequence()
}
