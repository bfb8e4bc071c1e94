/// A small pure-Swift SHA-256 (FIPS 180-4), used only for kube-proxy chain names.
public enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The 32-byte digest of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        let h = message.withUnsafeBytes { digest($0) }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for i in 0..<8 { for s: UInt32 in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: h[i] >> s)) } }
        return out
    }

    public static func hash(_ text: String) -> [UInt8] { hash(Array(text.utf8)) }

    /// The digest of `message` as eight big-endian words, computed without heap allocations.
    static func digest(_ message: UnsafeRawBufferPointer) -> SIMD8<UInt32> {
        var h = SIMD8<UInt32>(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        let padded = (message.count + 9 + 63) / 64 * 64
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: padded) { data in
            data.initialize(repeating: 0)
            _ = data.initialize(from: message)
            data[message.count] = 0x80
            let bitLength = UInt64(message.count) &* 8
            for i in 0..<8 { data[padded - 1 - i] = UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8)) }
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                k.withUnsafeBufferPointer { k in
                    for chunk in stride(from: 0, to: padded, by: 64) {
                        schedule(data, chunk, w)
                        compress(&h, w, k)
                    }
                }
            }
        }
        return h
    }

    /// The message schedule of the 64-byte block at `chunk`.
    private static func schedule(_ data: UnsafeMutableBufferPointer<UInt8>, _ chunk: Int, _ w: UnsafeMutableBufferPointer<UInt32>) {
        for i in 0..<16 {
            let b = chunk + i * 4
            w[i] = UInt32(data[b]) << 24 | UInt32(data[b + 1]) << 16 | UInt32(data[b + 2]) << 8 | UInt32(data[b + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
    }

    private static func compress(_ h: inout SIMD8<UInt32>, _ w: UnsafeMutableBufferPointer<UInt32>, _ k: UnsafeBufferPointer<UInt32>) {
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
        for i in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        h &+= SIMD8(a, b, c, d, e, f, g, hh)
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}

/// RFC 4648 base32 with the standard alphabet and `=` padding (Go's `base32.StdEncoding`).
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// The first 16 characters of the encoding of `digest` (its first 80 bits, no padding).
    static func prefix16(_ digest: SIMD8<UInt32>) -> String {
        let hi = UInt64(digest[0]) << 32 | UInt64(digest[1]), lo = UInt64(digest[2]) << 32 | UInt64(digest[3])
        return String(unsafeUninitializedCapacity: 16) { out in
            alphabet.withUnsafeBufferPointer { a in
                for i in 0..<16 {
                    let start = i * 5, end = start + 5
                    let v = end <= 64 ? hi >> UInt64(64 - end)
                        : start >= 64 ? lo >> UInt64(128 - end)
                        : hi << UInt64(end - 64) | lo >> UInt64(128 - end)
                    out[i] = a[Int(v & 31)]
                }
            }
            return 16
        }
    }

    public static func encode(_ data: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt64 = 0
        var bits = 0
        for byte in data {
            buffer = buffer << 8 | UInt64(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt64(bits)) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt64(5 - bits)) & 31)]) }
        while out.count % 8 != 0 { out.append(UInt8(ascii: "=")) }
        return String(decoding: out, as: UTF8.self)
    }
}
