/// The names of the ipsets that dumped `-m set` matches refer to, asked of the namespace once per
/// index while a table is read.
struct IpsetNameCache {
    let lookup: (any IpsetLookup)?
    private(set) var names: [UInt16: String] = [:]
    private var unknown: Set<UInt16> = []

    init(_ lookup: (any IpsetLookup)?) { self.lookup = lookup }

    /// Resolves the set indices `expressions` use that are not known yet. Indices the namespace
    /// does not know (or a failing lookup) stay unresolved: their rules read as opaque.
    mutating func resolve(_ expressions: [RawExpression]) {
        guard let lookup else { return }
        for case .match(let x) in expressions {
            guard let index = XtSetCodec.index(of: x), names[index] == nil, !unknown.contains(index) else { continue }
            if let name = try? lookup.name(index: index) { names[index] = name } else { unknown.insert(index) }
        }
    }
}
