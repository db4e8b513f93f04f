import Hummingbird
import QuarryCore

/// `GET /v1/collections/{name}/duplicates`: groups of stored images that nearly duplicate one another.
struct DuplicatesResponse: ResponseEncodable {
    /// One group, its members by ascending id.
    struct Group: Encodable {
        let lowestScore: Double
        let highestScore: Double
        let items: [ImageItemResponse]

        enum CodingKeys: String, CodingKey {
            case items
            case lowestScore = "lowest_score"
            case highestScore = "highest_score"
        }
    }

    let collection: String
    let threshold: Double
    /// Groups found, and images in them, before `limit` was applied.
    let groupsTotal: Int
    let imagesInGroups: Int
    let groups: [Group]

    init(collection: String, threshold: Double, groups: [DuplicateGroup], limit: Int) {
        self.collection = collection
        self.threshold = threshold
        groupsTotal = groups.count
        imagesInGroups = groups.reduce(0) { $0 + $1.images.count }
        self.groups = groups.prefix(limit).map { group in
            Group(
                lowestScore: group.lowestScore, highestScore: group.highestScore,
                items: group.images.map { ImageItemResponse($0, collection: collection) }
            )
        }
    }

    enum CodingKeys: String, CodingKey {
        case collection, threshold, groups
        case groupsTotal = "groups_total"
        case imagesInGroups = "images_in_groups"
    }
}
