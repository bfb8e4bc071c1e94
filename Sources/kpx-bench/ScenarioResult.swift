/// The measurements of one scenario at one size.
struct ScenarioResult: Codable {
    var id: String
    var title: String
    var n: Int
    var samples: [Sample]
    var wallMs: Stats?
    var cpuMs: Stats?
    /// Medians of each extra (phases in ms, netlink counters).
    var extraMedians: [String: Double]
    var maxRSSKB: Int?
    /// Every repetition ended in the desired state (checked by a fresh full read and plan).
    var verified: Bool
    var note: String?

    init(id: String, title: String, n: Int, samples: [Sample], verified: Bool, note: String? = nil) {
        self.id = id
        self.title = title
        self.n = n
        self.samples = samples
        self.verified = verified
        self.note = note
        wallMs = Stats(samples.map(\.wallMs))
        cpuMs = Stats(samples.map(\.cpuMs))
        var keys = Set<String>()
        for s in samples { keys.formUnion(s.extra.keys) }
        var medians: [String: Double] = [:]
        for k in keys { medians[k] = Stats(samples.compactMap { $0.extra[k] })?.median }
        extraMedians = medians
        maxRSSKB = samples.compactMap(\.maxRSSKB).max()
    }
}
