/// The shortest edit script between two sequences (Myers' O((N+M)·D) algorithm).
enum SequenceDiff {
    /// One step of an edit script over indices of the old (`a`) and new (`b`) sequences.
    enum Step: Equatable {
        case keep(old: Int, new: Int)
        case delete(old: Int)
        case insert(new: Int)
    }

    /// Edit distance beyond which the script falls back to "delete all, insert all" (bounds memory).
    static let maximumDistance = 2048

    /// The edit script turning `a` into `b`, keeps first where ties allow.
    static func steps<T: Equatable>(_ a: [T], _ b: [T]) -> [Step] {
        let n = a.count, m = b.count
        let max = n + m
        guard max > 0 else { return [] }
        if a == b { return (0..<n).map { .keep(old: $0, new: $0) } }
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            if d > maximumDistance {
                return (0..<n).map { .delete(old: $0) } + (0..<m).map { .insert(new: $0) }
            }
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[max + k - 1] < v[max + k + 1])) ? v[max + k + 1] : v[max + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] { x += 1; y += 1 }
                v[max + k] = x
                if x >= n && y >= m { trace.append(v); break outer }
            }
        }
        return backtrack(trace, n: n, m: m, max: max)
    }

    private static func backtrack(_ trace: [[Int]], n: Int, m: Int, max: Int) -> [Step] {
        var steps: [Step] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK = (k == -d || (k != d && v[max + k - 1] < v[max + k + 1])) ? k + 1 : k - 1
            let previousX = v[max + previousK]
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                x -= 1; y -= 1
                steps.append(.keep(old: x, new: y))
            }
            if d > 0 {
                if x == previousX { steps.append(.insert(new: previousY)) } else { steps.append(.delete(old: previousX)) }
            }
            x = previousX; y = previousY
        }
        return steps.reversed()
    }
}
