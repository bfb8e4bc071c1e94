/// A fixed-size xtables `*_info` struct being read or written field by field at byte offsets
/// (x86-64 layout, host byte order unless a field says big-endian).
struct InfoBlob {
    var bytes: [UInt8]

    init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    func u8(_ at: Int) -> UInt8 { at < bytes.count ? bytes[at] : 0 }
    func u16(_ at: Int) -> UInt16 { load(at) }
    func u32(_ at: Int) -> UInt32 { load(at) }
    func be16(_ at: Int) -> UInt16 { UInt16(bigEndian: load(at)) }
    /// A host-order integer at `at`; 0 when the blob is too short.
    private func load<T: FixedWidthInteger>(_ at: Int) -> T {
        guard at >= 0, at + MemoryLayout<T>.size <= bytes.count else { return 0 }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
    }
    func slice(_ at: Int, _ len: Int) -> [UInt8] {
        guard at + len <= bytes.count else { return [] }
        return Array(bytes[at..<(at + len)])
    }
    /// The NUL-terminated string in the `maxLen`-byte char array at `at` ("" when out of range).
    func string(_ at: Int, _ maxLen: Int) -> String {
        guard at >= 0, at + maxLen <= bytes.count else { return "" }
        return bytes.withUnsafeBufferPointer { all in
            let field = UnsafeBufferPointer(rebasing: all[at..<(at + maxLen)])
            let end = field.firstIndex(of: 0) ?? field.endIndex
            return String(decoding: UnsafeBufferPointer(rebasing: field[..<end]), as: UTF8.self)
        }
    }
    /// True when every byte outside `used` ranges is zero (padding and fields we do not model).
    func zero(except used: [Range<Int>]) -> Bool {
        for (i, b) in bytes.enumerated() where b != 0 && !used.contains(where: { $0.contains(i) }) { return false }
        return true
    }

    mutating func setU8(_ at: Int, _ v: UInt8) { bytes[at] = v }
    mutating func setU16(_ at: Int, _ v: UInt16) { put(at, ByteCoding.host(v)) }
    mutating func setU32(_ at: Int, _ v: UInt32) { put(at, ByteCoding.host(v)) }
    mutating func setBE16(_ at: Int, _ v: UInt16) { put(at, ByteCoding.big(v)) }
    mutating func put(_ at: Int, _ v: [UInt8]) { bytes.replaceSubrange(at..<(at + v.count), with: v) }
    /// Writes `s` NUL-padded into a `maxLen`-byte char array (truncated to leave one NUL).
    mutating func setString(_ at: Int, _ s: String, maxLen: Int) {
        put(at, Array(Array(s.utf8).prefix(maxLen - 1)))
    }
}

/// Why a rule could not be decoded or encoded exactly; becomes an opaque rule's reason.
struct CodecFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
