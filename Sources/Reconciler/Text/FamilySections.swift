/// Text of both families in one stream, each family's part after a `# ipv4` / `# ipv6` line:
/// what `render` prints for a dual-stack node and `dump --ip-family all` prints for live tables,
/// and what `restore --ip-family all` reads.
public enum FamilySections {
    /// A header line of a family's part.
    public static func header(_ family: IPFamily) -> String { "# \(family.rawValue)" }

    /// The parts by family, in the order given. Lines before the first header must be comments
    /// or blank; a family given twice is an error.
    public static func split(_ text: String) throws(ParseError) -> [(family: IPFamily, text: String)] {
        var parts: [(family: IPFamily, text: String)] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = String(line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
            if let family = IPFamily.allCases.first(where: { trimmed == header($0) }) {
                guard !parts.contains(where: { $0.family == family }) else {
                    throw ParseError(line: number, column: 0, message: "\(trimmed) given twice")
                }
                parts.append((family, ""))
            } else if parts.isEmpty {
                guard trimmed.isEmpty || trimmed.hasPrefix("#") else {
                    throw ParseError(line: number, column: 0, message: "expected a '# ipv4' or '# ipv6' line before the rules of a family")
                }
            } else {
                parts[parts.count - 1].text += line + "\n"
            }
        }
        guard !parts.isEmpty else { throw ParseError(line: number, column: 0, message: "no '# ipv4' or '# ipv6' line: not text of both families") }
        return parts
    }
}
