import Foundation
import Testing

@testable import QuarryCore

@Suite struct ImageInputUploadTests {
    @Test func anUploadIsNamedByItsContentNeverByTheClient() throws {
        let png = try TestImages.png(seed: 7)
        let input = ImageInput.upload(png, fileName: "../../etc/passwd.png", category: "shoes", price: 12.5)
        #expect(input.path == "uploads/\(ContentHash.sha256(png).prefix(32)).png")
        #expect(ImageInput.isSafeRelativePath(input.path))
        #expect(input.title == "../../etc/passwd.png" && input.metadata["file_name"] == .string("../../etc/passwd.png"))
        #expect(input.category == "shoes" && input.price == 12.5)
        #expect(ImageInput.upload(png, fileName: "b.png", title: "Red shoe").title == "Red shoe")
        #expect(ImageInput.upload(png, fileName: "b.png").path == input.path)
        #expect(ImageInput.upload(Data("not an image".utf8), fileName: "x.png").path.hasSuffix(".bin"))
    }
}
