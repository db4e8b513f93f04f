import Foundation

/// SHA-256 digests in lower-case hexadecimal, used for file and passage content hashes.
public enum ContentHash {
    /// The SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        let hasher = SHA256Hasher()
        hasher.update(data)
        return hasher.finalizeHex()
    }

    /// The SHA-256 of the UTF-8 encoding of `text`.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }
}
