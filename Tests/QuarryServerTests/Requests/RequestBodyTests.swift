import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import QuarryServer

/// Reading request bodies: a declared length above the limit is refused before any byte is read.
@Suite struct RequestBodyTests {
    func request(contentLength: String?, body: String) -> Request {
        var fields: HTTPFields = [:]
        fields[.contentLength] = contentLength
        return Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/", headerFields: fields),
            body: .init(buffer: ByteBuffer(string: body))
        )
    }

    /// `Content-Length: 2^63-1` once made the server wait for a body that never came.
    @Test(arguments: ["9223372036854775807", "99999999999999999999999", "11"])
    func aDeclaredLengthAboveTheLimitIsRefusedAtOnceAndClosesTheConnection(length: String) async throws {
        await #expect {
            _ = try await request(contentLength: length, body: "{}").collectBody(upTo: 10)
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.status == .contentTooLarge && error.headers[.connection] == "close"
        }
    }

    @Test func aBodyThatGrowsPastTheLimitIs413AndOneWithinItIsRead() async throws {
        await #expect {
            _ = try await request(contentLength: nil, body: String(repeating: "x", count: 11)).collectBody(upTo: 10)
        } throws: { ($0 as? APIError)?.status == .contentTooLarge }
        let body = try await request(contentLength: "2", body: "{}").collectBody(upTo: 10)
        #expect(body.readableBytes == 2)
    }
}
