extension Array {
    /// One replacement for `splice`: the elements in `range` give way to `elements`.
    typealias SpliceEdit = (range: Range<Int>, elements: [Element])

    /// Replaces several disjoint ranges at once, as if each edit were applied with `replaceSubrange`
    /// (from the last to the first). `edits` must be in ascending order and must not overlap (empty
    /// ranges at the same index are inserted in the given order). Elements after the first edit
    /// are moved at most twice whatever the number of edits, and never copied.
    mutating func splice(_ edits: [SpliceEdit]) {
        let edits = edits.filter { !$0.range.isEmpty || !$0.elements.isEmpty }
        guard let first = edits.first else { return }
        if edits.count == 1 || edits.allSatisfy({ $0.range.count == $0.elements.count }) {
            for e in edits.reversed() { replaceSubrange(e.range, with: e.elements) }
            return
        }
        let n = count
        let m = edits.reduce(n) { $0 + $1.elements.count - $1.range.count }
        // A value to stand in for uninitialized slots while the count is grown or shrunk.
        let filler = self.first ?? first.elements[0]
        if m > n { append(contentsOf: repeatElement(filler, count: m - n)) }
        withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            let kept = Self.dropEdited(p, n: n, filled: buf.count, edits)
            Self.insertNew(p, kept: kept, m: m, edits)
            if m < n { (p + m).initialize(repeating: filler, count: n - m) }
        }
        if m < n { removeLast(n - m) }
    }

    /// Destroys the edited ranges and the fillers past `n`, moving the kept elements to the front.
    /// Returns how many elements were kept.
    private static func dropEdited(_ p: UnsafeMutablePointer<Element>, n: Int, filled: Int, _ edits: [SpliceEdit]) -> Int {
        var w = edits[0].range.lowerBound, r = w
        for e in edits {
            let gap = e.range.lowerBound - r
            if gap > 0 { (p + w).moveInitialize(from: p + r, count: gap) }
            w += gap
            (p + e.range.lowerBound).deinitialize(count: e.range.count)
            r = e.range.upperBound
        }
        (p + n).deinitialize(count: filled - n)
        if n > r { (p + w).moveInitialize(from: p + r, count: n - r) }
        return w + (n - r)
    }

    /// Moves the kept elements (the first `kept`) to their final places, last first, and copies
    /// each edit's new elements in between; afterwards the first `m` slots are initialized.
    private static func insertNew(_ p: UnsafeMutablePointer<Element>, kept: Int, m: Int, _ edits: [SpliceEdit]) {
        var removedBefore = edits.reduce(0) { $0 + $1.range.count }
        var w = m, r = kept
        for e in edits.reversed() {
            removedBefore -= e.range.count
            let at = e.range.lowerBound - removedBefore
            let tail = r - at
            if tail > 0 { (p + w - tail).moveInitialize(from: p + at, count: tail) }
            w -= tail + e.elements.count
            e.elements.withUnsafeBufferPointer { src in
                if let base = src.baseAddress { (p + w).initialize(from: base, count: src.count) }
            }
            r = at
        }
    }
}
