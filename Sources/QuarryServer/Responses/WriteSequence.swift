/// The `seq` of a write's answer: the change-log sequence number the write reached, which a
/// client passes back as `min_seq` (or the `Quarry-Min-Seq` header) to read its own writes on
/// any node. Only cluster mode keeps a change log; a single server applies every write before
/// it answers, and a write that changed nothing logs no entry: `seq` is `null` then.
struct WriteSequence: Encodable, Sendable {
    var value: Int64?

    init(_ value: Int64? = nil) {
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
