import NIOCore

/// A `multipart/form-data` request body built from file and text parts.
struct MultipartBody {
    static let boundary = "quarry-test-boundary"
    static let contentType = "multipart/form-data; boundary=\(boundary)"

    private var bytes: [UInt8] = []

    mutating func addFile(field: String, name: String, data: [UInt8], contentType: String = "application/octet-stream") {
        bytes += Array(
            "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(name)\"\r\nContent-Type: \(contentType)\r\n\r\n"
                .utf8)
        bytes += data + Array("\r\n".utf8)
    }

    mutating func addField(_ name: String, _ value: String) {
        bytes += Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes + Array("--\(Self.boundary)--\r\n".utf8)) }
}
