/// The `seq` of a write's answer: the change-log sequence number the write reached, which a
/// client passes back as `min_seq` to read its own writes on any node. Only cluster mode keeps a
/// change log (issue #17, not built yet); a single server answers every write before it returns,
/// so `seq` is always `null` here and clients can already read the field.
struct WriteSequence: Encodable, Sendable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
