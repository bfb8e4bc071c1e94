import ClusterSource
import Foundation
public import Logging
import Reconciler

/// `--services-dir DIR`: Services and EndpointSlices from the manifest files (`*.yaml`, `*.yml`,
/// `*.json`) in a directory, re-read whenever a file appears, disappears or changes. A file that
/// does not parse leaves the previous state in place until it is fixed.
public struct DirectorySource: ClusterEventSource {
    public let directory: String
    public var pollInterval: Duration
    public let logger: Logger

    public init(directory: String, pollInterval: Duration = .milliseconds(500), logger: Logger) {
        self.directory = directory
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Path -> (modification time, size) of the manifest files.
    func fingerprint() -> [String: [Double]] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return [:] }
        var out: [String: [Double]] = [:]
        for name in names where [".yaml", ".yml", ".json"].contains(where: name.hasSuffix) && !name.hasPrefix(".") {
            let path = "\(directory)/\(name)"
            guard let attrs = try? fm.attributesOfItem(atPath: path) else { continue }
            let mtime = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            out[path] = [mtime, Double((attrs[.size] as? NSNumber)?.intValue ?? 0)]
        }
        return out
    }

    public func run(sink: @escaping @Sendable (ClusterEvent) -> Void) async {
        var last: [String: [Double]]? = nil
        while !Task.isCancelled {
            let now = fingerprint()
            if now != last {
                if load(files: now.keys.sorted(), sink: sink) { last = now }
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Reads the files; returns false (and reports nothing as changed) when a file is broken.
    func load(files: [String], sink: @Sendable (ClusterEvent) -> Void) -> Bool {
        let loaded = ManifestLoader.load(files: files)
        let fileErrors = loaded.issues.filter { $0.object.kind == "File" && $0.severity == .error }
        if !fileErrors.isEmpty {
            for issue in fileErrors { logger.error("manifest not loaded; keeping the previous state", metadata: ["issue": "\(issue)"]) }
            return false
        }
        for issue in loaded.issues { sink(.invalid(issue.object, issue.message)) }
        sink(.replace(.service, loaded.services.map { .service($0) }))
        sink(.replace(.endpointSlice, loaded.slices.map { .endpointSlice($0, triggerTime: nil) }))
        logger.info("manifests loaded", metadata: ["files": "\(files.count)", "services": "\(loaded.services.count)",
                                                   "endpointSlices": "\(loaded.slices.count)"])
        return true
    }
}
