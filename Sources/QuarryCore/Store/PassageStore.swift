import Foundation

/// The SQLite store of a text collection (`store.sqlite`): documents, and their
/// passages with metadata, the text they are searched by, and vectors.
///
/// SQLite is the source of truth: a passage's row id is its vector's id in
/// FAISS and its document id in the keyword index, ids are never reused (AUTOINCREMENT), and the database runs in WAL
/// mode with `synchronous=FULL`, so a committed write survives a crash.
/// Safe to use from many tasks: reads run concurrently, writes are serialised.
public typealias PassageStore = VectorStore<PassageSchema>
