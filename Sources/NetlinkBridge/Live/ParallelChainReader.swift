import Dispatch
import Glibc
import Reconciler

/// The decoded rules and handles of consecutive chains, one entry per chain.
typealias DecodedChains = [(rules: [Rule], handles: [UInt64])]

extension NftClient {
    /// The rules of `chains`, in chain order. Large tables are split into contiguous groups,
    /// each read on its own socket and thread (with its own ipset cache); the first failing
    /// group's error is thrown.
    func decodedRules(family: NftFamily, table: String, chains: [NftChain]) throws -> DecodedChains {
        let readers = try readers(for: chains.count)
        guard readers.count > 1 else { return try decodedRules(family: family, table: table, chains: chains[...]) }
        let groups = Self.contiguousGroups(chains.count, into: readers.count)
        let slots = GroupResults(count: groups.count)
        let shared = UncheckedReaders(readers)
        DispatchQueue.concurrentPerform(iterations: groups.count) { i in
            slots.set(i, Result { try shared.clients[i].decodedRules(family: family, table: table, chains: chains[groups[i]]) })
        }
        return try slots.joined(capacity: chains.count)
    }

    /// The rules of `chains` read one chain after another on this client's socket.
    func decodedRules(family: NftFamily, table: String, chains: ArraySlice<NftChain>) throws -> DecodedChains {
        var ipsets = IpsetNameCache(self.ipsets)
        var out = DecodedChains()
        out.reserveCapacity(chains.count)
        for c in chains { out.append(try decodedRules(family: family, table: table, chain: c.name, ipsets: &ipsets, vanishedIsEmpty: true)) }
        return out
    }

    /// The clients to read `chainCount` chains on: this one alone for small tables or when it
    /// cannot open more sockets, else this one and extra clients (opened once, then reused).
    func readers(for chainCount: Int) throws -> [NftClient] {
        guard let opener, chainCount >= parallelReadMinChains else { return [self] }
        let count = max(1, min(readParallelism, chainCount))
        while extraReaders.count < count - 1 { extraReaders.append(try opener()) }
        return [self] + extraReaders.prefix(count - 1)
    }

    /// `count` items split into `groups` contiguous ranges of near-equal size, in order.
    static func contiguousGroups(_ count: Int, into groups: Int) -> [Range<Int>] {
        (0..<groups).map { i in (i * count / groups)..<((i + 1) * count / groups) }
    }
}

/// The readers of one parallel read. @unchecked Sendable: each client is used by exactly one
/// thread (`clients[i]` by iteration i) while the read runs, and by none concurrently after.
private final class UncheckedReaders: @unchecked Sendable {
    let clients: [NftClient]
    init(_ clients: [NftClient]) { self.clients = clients }
}

/// One result slot per group of a parallel read. @unchecked Sendable: the slots are allocated
/// before the threads start, each thread writes only its own slot, and they are read only after
/// `concurrentPerform` returned (which orders those writes before the reads).
private final class GroupResults: @unchecked Sendable {
    private var slots: [Result<DecodedChains, any Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ result: Result<DecodedChains, any Error>) {
        slots.withUnsafeMutableBufferPointer { $0[i] = result }
    }

    /// The groups' chains concatenated in group order; throws the first group's error.
    func joined(capacity: Int) throws -> DecodedChains {
        var out = DecodedChains()
        out.reserveCapacity(capacity)
        for slot in slots {
            guard let slot else { throw NetlinkError.malformed("parallel read group did not finish") }
            out.append(contentsOf: try slot.get())
        }
        return out
    }
}
