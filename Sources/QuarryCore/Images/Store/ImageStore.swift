import Foundation

/// The SQLite store of an image collection (`store.sqlite`): one row per image
/// with its metadata, the path of its file in the media folder and its vector.
///
/// As for text, SQLite is the source of truth: a row id is its vector's id in
/// FAISS, ids are never reused, and a committed write survives a crash.
public typealias ImageStore = VectorStore<ImageSchema>
