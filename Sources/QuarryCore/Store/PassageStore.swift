import Foundation

/// The SQLite store of a text collection (`store.sqlite`): documents, their
/// passages with metadata and vectors, and an FTS5 keyword index over each
/// passage's ``KeywordTerms`` (kept in step in the same transactions).
///
/// SQLite is the source of truth: a passage's row id is its vector's id in
/// FAISS, ids are never reused (AUTOINCREMENT), and the database runs in WAL
/// mode with `synchronous=FULL`, so a committed write survives a crash.
/// Safe to use from many tasks: reads run concurrently, writes are serialised.
public typealias PassageStore = VectorStore<PassageSchema>
