import CFaiss
import Foundation

extension Index {
    /// Reads an index written by ``write(to:)`` (or by FAISS itself; an index
    /// written without ids gets ids `0..<count`).
    public convenience init(contentsOf url: URL) throws(FaissError) {
        var handle: OpaquePointer?
        try faissCall("read \(url.path)") { error in
            qf_index_read(url.path, &handle, error)
        }
        self.init(handle: handle!)
    }

    /// Writes the index atomically: to a temporary file beside `url`, flushed to
    /// disk, then renamed over `url`. A crash leaves either the old or the new file.
    /// Searches continue while writing; mutations wait.
    public func write(to url: URL) throws(FaissError) {
        try faissCall("write \(url.path)") { error in
            qf_index_write(handle, url.path, error)
        }
    }

    /// An independent deep copy (same vectors, ids, training and search defaults).
    public func clone() throws(FaissError) -> Index {
        var copy: OpaquePointer?
        try faissCall("clone") { error in
            qf_index_clone(handle, &copy, error)
        }
        return Index(handle: copy!)
    }
}
