import GRDB

/// The tables of one kind of ``VectorStore``: the table whose rows carry the vectors, and the migrations that create it.
public protocol StoreSchema {
    /// The table with an `id` and a `vector` column; a row's id is its vector's id in FAISS.
    static var vectorTable: String { get }
    /// Creates and upgrades the schema, one named migration per version.
    static var migrator: DatabaseMigrator { get }
}
