import Faiss
import Foundation
import FuzzSupport
@testable import QuarryServer

/// The server's default request limits.
private let limits = RequestLimits()

/// The input as the JSON body of every endpoint that takes one, decoded and then validated as
/// the routes do: `POST …/search`, `POST …/documents`, `POST …/reindex` (its factory string
/// checked for a 384-dimensional collection), `POST /text-search`, and the `metadata` field of
/// an image upload. Rejections are expected; crashes are bugs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = FuzzInput(start, count).data
    if let body = decoded(SearchRequestBody.self, from: data) {
        _ = try? body.validated(limits: limits, defaultTopK: 10)
    }
    if let body = decoded(DocumentsRequestBody.self, from: data) {
        try? body.validate()
    }
    if let factory = decoded(ReindexRequestBody.self, from: data)?.factory {
        try? IndexFactory.validate(factory, dimension: 384)
    }
    if let body = decoded(SeedCompatibilityRoutes.Body.self, from: data) {
        _ = try? limits.validatedQuery(body.query)
        _ = try? limits.validatedTopK(body.topK ?? 5)
    }
    _ = try? ImageRoutes.UploadFields(["metadata": String(decoding: data, as: UTF8.self)])
    return 0
}

/// Decodes `data` as the routes do, through `StrictJSON.decode`; `nil` where the request would be refused.
private func decoded<Body: Decodable>(_ type: Body.Type, from data: Data) -> Body? {
    try? StrictJSON.decode(type, from: data)
}
