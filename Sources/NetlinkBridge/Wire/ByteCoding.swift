/// Byte-level helpers shared by the netlink codecs: host and big-endian integers, NUL-terminated
/// strings, and 4-byte alignment. Every load is unaligned-safe (netlink payloads are only 4-byte aligned).
public enum ByteCoding {
    /// Rounds `n` up to the netlink alignment (4 bytes).
    @inlinable public static func align4(_ n: Int) -> Int { (n + 3) & ~3 }

    /// Reads a fixed-width integer stored in host byte order at `offset`.
    @inlinable public static func loadHost<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>, at offset: Int,
                                                                 as: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset + size <= bytes.count else { return nil }
        var value: T = 0
        let start = bytes.index(bytes.startIndex, offsetBy: offset)
        withUnsafeMutableBytes(of: &value) { raw in
            var i = start
            for k in 0..<size { raw[k] = bytes[i]; i = bytes.index(after: i) }
        }
        return value
    }

    /// Reads a fixed-width big-endian integer at `offset`.
    @inlinable public static func loadBig<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>, at offset: Int,
                                                                as: T.Type = T.self) -> T? {
        loadHost(bytes, at: offset, as: T.self).map { T(bigEndian: $0) }
    }

    /// The bytes of `value` in host byte order.
    @inlinable public static func host<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    /// The bytes of `value` in big-endian (network) byte order.
    @inlinable public static func big<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Decodes a NUL-terminated (or unterminated) string.
    public static func string(_ bytes: some Collection<UInt8>) -> String {
        let prefix = bytes.prefix { $0 != 0 }
        return String(decoding: Array(prefix), as: UTF8.self)
    }

    /// `string` as UTF-8 followed by one NUL.
    public static func cString(_ string: String) -> [UInt8] { Array(string.utf8) + [0] }

    /// Lower-case hex of `bytes`, no separators.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex (whitespace ignored); nil on an odd length or a non-hex character.
    public static func fromHex(_ text: some StringProtocol) -> [UInt8]? {
        var out = [UInt8](); var high: UInt8? = nil
        for c in text.utf8 {
            if c == 32 || c == 10 || c == 9 || c == 13 { continue }
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            case 65...70: v = c - 55
            default: return nil
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return high == nil ? out : nil
    }
}
