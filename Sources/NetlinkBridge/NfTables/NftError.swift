/// Failures of nf_tables reads and transactions, with the operation the kernel refused.
public enum NftError: Error, Equatable, CustomStringConvertible {
    /// The ruleset changed since the generation the batch was planned against (ERESTART):
    /// nothing was applied; re-read and replan.
    case generationChanged(planned: UInt32?)
    /// The kernel refused one operation of a batch; nothing was applied.
    case rejected(operation: NftOperation?, index: Int?, errno: Int32, message: String?)
    /// A table or chain that must exist does not.
    case notFound(String)
    /// The wire layer failed.
    case transport(NetlinkError)

    public var description: String {
        switch self {
        case .generationChanged(let g):
            return "ruleset changed since generation \(g.map(String.init) ?? "?") (ERESTART); nothing applied"
        case .rejected(let op, let index, let e, let m):
            let what = op.map { "operation #\((index ?? 0) + 1) \($0)" } ?? "batch commit"
            return "kernel refused \(what): \(NetlinkError.errnoText(e))" + (m.map { " (\($0))" } ?? "")
                + "; nothing applied"
        case .notFound(let what): return "not found: \(what)"
        case .transport(let e): return e.description
        }
    }
}
