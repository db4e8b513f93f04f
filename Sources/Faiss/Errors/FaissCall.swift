import CFaiss

/// Calls a shim function following the `(…, char **error) -> Int32` convention
/// and turns a failure into ``FaissError/native(operation:message:)``.
@inline(__always)
func faissCall(_ operation: String, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32) throws(FaissError) {
    var error: UnsafeMutablePointer<CChar>? = nil
    guard body(&error) != 0 else { return }
    let message = error.map { String(cString: $0) } ?? "unknown error"
    qf_string_free(error)
    throw FaissError.native(operation: operation, message: message)
}
