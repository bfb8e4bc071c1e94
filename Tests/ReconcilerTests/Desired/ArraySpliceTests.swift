@testable import Reconciler
import Testing

@Suite struct ArraySpliceTests {
    /// Counts live instances, so that a splice that leaks or double-frees elements shows.
    final class Box: Equatable, @unchecked Sendable {
        nonisolated(unsafe) static var live = 0
        let value: Int
        init(_ value: Int) { self.value = value; Box.live += 1 }
        deinit { Box.live -= 1 }
        static func == (a: Box, b: Box) -> Bool { a.value == b.value }
    }

    /// Random ascending, disjoint edits (some empty insertions, some at the same index).
    static func randomEdits(count n: Int, _ rng: inout DesiredChangeTrackerTests.LCG, next: inout Int) -> [Array<Box>.SpliceEdit] {
        var edits: [Array<Box>.SpliceEdit] = []
        var at = 0
        while at <= n, edits.count < 6 {
            at += Int.random(in: 0...3, using: &rng)
            if at > n { break }
            let len = Int.random(in: 0...min(3, n - at), using: &rng)
            let new = (0..<Int.random(in: 0...4, using: &rng)).map { _ in next += 1; return Box(next) }
            edits.append((at..<(at + len), new))
            at += len
        }
        return edits
    }

    /// A splice equals the same edits applied one by one, last first, and leaves no element behind.
    @Test func spliceEqualsReplaceSubrange() {
        var rng = DesiredChangeTrackerTests.LCG(state: 7)
        let liveBefore = Box.live
        do {
            var next = 1000
            for step in 0..<2000 {
                let n = Int.random(in: 0..<12, using: &rng)
                let base = (0..<n).map { Box($0) }
                let edits = Self.randomEdits(count: n, &rng, next: &next)
                var expected = base
                for e in edits.reversed() { expected.replaceSubrange(e.range, with: e.elements) }
                var actual = base
                actual.splice(edits)
                #expect(actual.map(\.value) == expected.map(\.value), "step \(step)")
                #expect(base.count == n, "step \(step): the original array is untouched (copy on write)")
            }
        }
        #expect(Box.live == liveBefore)
    }
}
