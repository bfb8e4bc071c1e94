import Reconciler
import Testing

@Suite struct ChainHashTests {
    /// `hash16` (allocation-free digest, 16-character encoding) equals the first 16 characters of
    /// the full base32 encoding of the SHA-256 digest, for lengths around every block boundary.
    @Test func hash16MatchesFullEncoding() {
        var rng = DesiredChangeTrackerTests.LCG(state: 3)
        for length in 0..<200 {
            let text = String((0..<length).map { _ in Character(UnicodeScalar(UInt8.random(in: 32...126, using: &rng))) })
            #expect(KubeChains.hash16(text) == String(Base32.encode(SHA256.hash(text)).prefix(16)), "length \(length)")
        }
        #expect(KubeChains.hash16("ns/svc:p80tcp" + "é") == String(Base32.encode(SHA256.hash("ns/svc:p80tcpé")).prefix(16)))
    }
}
