import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Element types that may appear in a safetensors file.
///
/// Only the floating-point types can be read as `Float` (``SafeTensors/floats(_:)``);
/// the integer types can be read with ``SafeTensors/integers(_:)``.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u64 = "U64"
    case u32 = "U32"
    case u16 = "U16"
    case u8 = "U8"
    case bool = "BOOL"

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// Whether ``SafeTensors/floats(_:)`` can convert this type to `Float`.
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: return true
        default: return false
        }
    }
}

/// Description of one tensor stored in a safetensors file.
public struct SafeTensorInfo: Sendable, Equatable {
    /// The tensor's name as written in the header.
    public let name: String
    /// Element type.
    public let dtype: SafeTensorsDType
    /// Shape, outermost dimension first (row-major). Empty for a scalar.
    public let shape: [Int]
    /// Byte range of the tensor's data, relative to the start of the data section.
    public let byteRange: Range<Int>

    /// Number of elements (product of `shape`; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// Errors raised while opening or reading a safetensors file. Each case carries enough
/// context (path, tensor name, offending values) to diagnose the problem from the message.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened, inspected or memory-mapped.
    case io(path: String, reason: String)
    /// The file is shorter than the 8-byte length prefix or than the header it announces.
    case truncated(path: String, fileSize: Int, needed: Int)
    /// The announced header length is implausible (larger than the limit).
    case headerTooLarge(path: String, length: UInt64, limit: Int)
    /// The header is not a valid JSON object.
    case invalidHeader(path: String, reason: String)
    /// A tensor entry in the header is malformed (bad dtype, shape or offsets).
    case invalidEntry(path: String, name: String, reason: String)
    /// No tensor with this name exists in the file.
    case tensorNotFound(path: String, name: String)
    /// The tensor's dtype cannot be converted to the requested element type.
    case unsupportedDType(name: String, dtype: String, wanted: String)
    /// The tensor's shape differs from the shape the caller required.
    case shapeMismatch(name: String, expected: [Int], actual: [Int])

    public var description: String {
        switch self {
        case .io(let path, let reason):
            return "safetensors: cannot read \(path): \(reason)"
        case .truncated(let path, let size, let needed):
            return "safetensors: \(path) is truncated (\(size) bytes, at least \(needed) needed)"
        case .headerTooLarge(let path, let length, let limit):
            return "safetensors: \(path) announces a \(length)-byte header (limit \(limit))"
        case .invalidHeader(let path, let reason):
            return "safetensors: \(path) has an invalid header: \(reason)"
        case .invalidEntry(let path, let name, let reason):
            return "safetensors: \(path): tensor '\(name)': \(reason)"
        case .tensorNotFound(let path, let name):
            return "safetensors: \(path) has no tensor named '\(name)'"
        case .unsupportedDType(let name, let dtype, let wanted):
            return "safetensors: tensor '\(name)' has dtype \(dtype), which cannot be read as \(wanted)"
        case .shapeMismatch(let name, let expected, let actual):
            return "safetensors: tensor '\(name)' has shape \(actual), expected \(expected)"
        }
    }
}

/// A read-only, memory-mapped safetensors file.
///
/// Format: an 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON mapping each
/// tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (plus an optional
/// `"__metadata__"` object of strings), then the raw little-endian tensor data; offsets are
/// relative to the first byte after the header.
///
/// The file is mapped once at initialisation and unmapped when the value is released.
/// All methods are read-only, so one instance can be shared by many tasks.
///
/// ```swift
/// let tensors = try SafeTensors(contentsOf: url)
/// let weights = try tensors.floats("encoder.layer.0.attention.self.query.weight")  // [Float], row-major
/// let shape = try tensors.shape(of: "encoder.layer.0.attention.self.query.weight")
/// ```
public final class SafeTensors: @unchecked Sendable {
    /// Largest header accepted (the reference implementation uses the same bound).
    public static let maxHeaderLength = 100_000_000

    /// Path of the file, for messages.
    public let path: String
    /// The free-form `__metadata__` strings of the header (empty if absent).
    public let metadata: [String: String]
    /// Every tensor, keyed by name.
    public let tensors: [String: SafeTensorInfo]

    private let mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int
    /// Start of the data section inside the mapping.
    private let dataStart: UnsafeRawPointer
    private let dataLength: Int

    /// Opens and validates a safetensors file.
    ///
    /// The header is parsed and every entry checked (known dtype, non-negative shape,
    /// offsets in bounds and consistent with shape × element size); tensor data is not
    /// touched until it is read.
    /// - Throws: ``SafeTensorsError`` describing what is wrong with the file.
    public init(contentsOf url: URL) throws {
        let path = url.path
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw SafeTensorsError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) != 0 { throw SafeTensorsError.io(path: path, reason: String(cString: strerror(errno))) }
        if (status.st_mode & S_IFMT) != S_IFREG { throw SafeTensorsError.io(path: path, reason: "not a regular file") }
        let size = Int(status.st_size)
        if size < 8 { throw SafeTensorsError.truncated(path: path, fileSize: size, needed: 8) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw SafeTensorsError.io(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        // From here on the mapping must be released on every error path.
        do {
            let raw = UnsafeRawPointer(base)
            let headerLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            if headerLength > UInt64(Self.maxHeaderLength) {
                throw SafeTensorsError.headerTooLarge(path: path, length: headerLength, limit: Self.maxHeaderLength)
            }
            let h = Int(headerLength)
            if 8 + h > size { throw SafeTensorsError.truncated(path: path, fileSize: size, needed: 8 + h) }
            let headerData = Data(bytes: raw + 8, count: h)
            let (infos, meta) = try Self.parseHeader(headerData, path: path, dataLength: size - 8 - h)
            self.tensors = infos
            self.metadata = meta
            self.mapping = base
            self.mappingLength = size
            self.dataStart = raw + 8 + h
            self.dataLength = size - 8 - h
        } catch {
            munmap(base, size)
            throw error
        }
    }

    deinit {
        if let mapping { munmap(mapping, mappingLength) }
    }

    /// Names of all tensors, sorted.
    public var names: [String] { tensors.keys.sorted() }

    /// Whether a tensor with this name exists.
    public func contains(_ name: String) -> Bool { tensors[name] != nil }

    /// The description of a tensor.
    /// - Throws: ``SafeTensorsError/tensorNotFound(path:name:)``.
    public func info(_ name: String) throws -> SafeTensorInfo {
        guard let info = tensors[name] else { throw SafeTensorsError.tensorNotFound(path: path, name: name) }
        return info
    }

    /// The shape of a tensor, outermost dimension first.
    /// - Throws: ``SafeTensorsError/tensorNotFound(path:name:)``.
    public func shape(of name: String) throws -> [Int] { try info(name).shape }

    /// The element type of a tensor.
    /// - Throws: ``SafeTensorsError/tensorNotFound(path:name:)``.
    public func dtype(of name: String) throws -> SafeTensorsDType { try info(name).dtype }

    /// Calls `body` with the raw little-endian bytes of a tensor, straight from the mapping
    /// (no copy). The pointer must not escape `body`.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let info = try info(name)
        let buf = UnsafeRawBufferPointer(start: dataStart + info.byteRange.lowerBound, count: info.byteRange.count)
        return try body(buf)
    }

    /// Reads a floating-point tensor (F32, F16, BF16 or F64) as `Float` values in row-major order.
    /// - Parameter expectedShape: if given, the tensor's shape must equal it.
    /// - Throws: ``SafeTensorsError`` if the tensor is missing, not floating point, or of another shape.
    public func floats(_ name: String, expectedShape: [Int]? = nil) throws -> [Float] {
        let info = try info(name)
        if let expectedShape, expectedShape != info.shape {
            throw SafeTensorsError.shapeMismatch(name: name, expected: expectedShape, actual: info.shape)
        }
        let n = info.elementCount
        let src = dataStart + info.byteRange.lowerBound
        switch info.dtype {
        case .f32:
            return [Float](unsafeUninitializedCapacity: n) { out, count in
                if n > 0 { memcpy(out.baseAddress!, src, n * 4) }
                #if _endian(big)
                    for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
                #endif
                count = n
            }
        case .f16:
            return [Float](unsafeUninitializedCapacity: n) { out, count in
                for i in 0..<n {
                    let bits = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Self.halfToFloat(bits)
                }
                count = n
            }
        case .bf16:
            return [Float](unsafeUninitializedCapacity: n) { out, count in
                for i in 0..<n {
                    let bits = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Float(bitPattern: UInt32(bits) << 16)
                }
                count = n
            }
        case .f64:
            return [Float](unsafeUninitializedCapacity: n) { out, count in
                for i in 0..<n {
                    let bits = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                    out[i] = Float(Double(bitPattern: bits))
                }
                count = n
            }
        default:
            throw SafeTensorsError.unsupportedDType(name: name, dtype: info.dtype.rawValue, wanted: "Float")
        }
    }

    /// Reads an integer or boolean tensor as `Int` values in row-major order.
    /// - Throws: ``SafeTensorsError`` if the tensor is missing or floating point.
    public func integers(_ name: String) throws -> [Int] {
        let info = try info(name)
        let n = info.elementCount
        let src = dataStart + info.byteRange.lowerBound
        func read<T: FixedWidthInteger>(_: T.Type) -> [Int] {
            (0..<n).map { Int(T(littleEndian: src.loadUnaligned(fromByteOffset: MemoryLayout<T>.size * $0, as: T.self))) }
        }
        switch info.dtype {
        case .i64: return read(Int64.self)
        case .i32: return read(Int32.self)
        case .i16: return read(Int16.self)
        case .i8: return read(Int8.self)
        case .u64: return read(UInt64.self)  // values above Int.max trap
        case .u32: return read(UInt32.self)
        case .u16: return read(UInt16.self)
        case .u8, .bool: return read(UInt8.self)
        default:
            throw SafeTensorsError.unsupportedDType(name: name, dtype: info.dtype.rawValue, wanted: "Int")
        }
    }

    // MARK: - Header parsing

    private static func parseHeader(
        _ data: Data, path: String, dataLength: Int
    ) throws -> ([String: SafeTensorInfo], [String: String]) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw SafeTensorsError.invalidHeader(path: path, reason: "not JSON (\(error.localizedDescription))")
        }
        guard let dict = object as? [String: Any] else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "top level is not a JSON object")
        }
        var infos: [String: SafeTensorInfo] = [:]
        var meta: [String: String] = [:]
        for (name, value) in dict {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else {
                    throw SafeTensorsError.invalidHeader(path: path, reason: "__metadata__ is not an object")
                }
                for (k, v) in m {
                    guard let s = v as? String else {
                        throw SafeTensorsError.invalidHeader(path: path, reason: "__metadata__[\(k)] is not a string")
                    }
                    meta[k] = s
                }
                continue
            }
            func bad(_ reason: String) -> SafeTensorsError { .invalidEntry(path: path, name: name, reason: reason) }
            guard let entry = value as? [String: Any] else { throw bad("entry is not an object") }
            guard let dtypeString = entry["dtype"] as? String else { throw bad("missing dtype") }
            guard let dtype = SafeTensorsDType(rawValue: dtypeString) else { throw bad("unknown dtype \(dtypeString)") }
            guard let shapeArray = entry["shape"] as? [Any] else { throw bad("missing shape") }
            var shape: [Int] = []
            for d in shapeArray {
                guard let dim = Self.integer(d), dim >= 0 else { throw bad("shape \(shapeArray) is not a list of non-negative integers") }
                shape.append(dim)
            }
            guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
                let begin = Self.integer(offsets[0]), let end = Self.integer(offsets[1])
            else { throw bad("data_offsets must be two integers") }
            guard begin >= 0, begin <= end else { throw bad("data_offsets [\(begin), \(end)] are not ordered") }
            guard end <= dataLength else {
                throw bad("data_offsets end \(end) lies beyond the data section (\(dataLength) bytes)")
            }
            var count = 1
            for d in shape {
                let (p, overflow) = count.multipliedReportingOverflow(by: d)
                if overflow { throw bad("shape \(shape) overflows") }
                count = p
            }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow, bytes == end - begin else {
                throw bad("shape \(shape) of \(dtype.rawValue) needs \(count) × \(dtype.byteSize) bytes, data_offsets span \(end - begin)")
            }
            infos[name] = SafeTensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
        }
        return (infos, meta)
    }

    /// Accepts JSON numbers that are exact integers (NSNumber from JSONSerialization).
    private static func integer(_ value: Any) -> Int? {
        if let i = value as? Int { return i }
        if let n = value as? NSNumber {
            let d = n.doubleValue
            if d.rounded() == d, abs(d) < 9.0e15 { return Int(d) }
        }
        return nil
    }

    /// IEEE 754 binary16 → binary32, including subnormals, infinities and NaN.
    @inline(__always)
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            if mant == 0 { return Float(bitPattern: sign) }
            // Subnormal: value = mant × 2^-24.
            let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -v : v
        }
        if exp == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | (UInt32(exp - 15 + 127) << 23) | (mant << 13))
    }
}
