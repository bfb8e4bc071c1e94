public import ClusterSource
import Foundation
public import Logging
import Reconciler

/// List+watch of one kind, as client-go's reflector does it: list (paginated) to get a complete
/// set and a resourceVersion, then watch from it with bookmarks; a `410 Gone` relists, a dropped
/// stream re-watches from the last resourceVersion after backoff with jitter.
public struct Reflector: ClusterEventSource {
    public let client: KubeAPIClient
    public let kind: ObjectKind
    public var labelSelector: String
    public var backoff: Backoff
    /// Server-side watch timeout; each watch asks for a random value in this range, as client-go does.
    public var watchTimeoutSeconds: ClosedRange<Int>
    public var pageSize: Int
    public let logger: Logger

    /// kube-proxy's selector: not handled by another proxy, not headless.
    public static let kubeProxySelector = "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless"

    public init(client: KubeAPIClient, kind: ObjectKind, logger: Logger, backoff: Backoff = Backoff(),
                labelSelector: String = Reflector.kubeProxySelector, watchTimeoutSeconds: ClosedRange<Int> = 300...600,
                pageSize: Int = 500) {
        self.client = client
        self.kind = kind
        self.logger = logger
        self.backoff = backoff
        self.labelSelector = labelSelector
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.pageSize = pageSize
    }

    /// The collection path of the kind.
    public var path: String {
        switch kind {
        case .service: return "/api/v1/services"
        case .endpointSlice: return "/apis/discovery.k8s.io/v1/endpointslices"
        }
    }

    public func run(sink: @escaping @Sendable (ClusterEvent) -> Void) async {
        var resourceVersion: String? = nil
        var failures = 0
        while !Task.isCancelled {
            do {
                if resourceVersion == nil { resourceVersion = try await list(sink: sink) }
                var rv = resourceVersion!
                defer { resourceVersion = rv }
                let started = ContinuousClock.now
                try await watch(from: &rv, sink: sink)
                // A stream the server ends at once is not progress: back off as after a failure.
                if ContinuousClock.now - started < .seconds(1) {
                    failures += 1
                    try? await Task.sleep(for: backoff.delay(attempt: failures))
                } else {
                    failures = 0
                }
            } catch KubeClientError.gone(let operation) {
                logger.info("resourceVersion expired; relisting", metadata: ["kind": "\(kind.rawValue)", "operation": "\(operation)"])
                resourceVersion = nil
            } catch {
                if Task.isCancelled { break }
                failures += 1
                let wait = backoff.delay(attempt: failures)
                logger.warning("list/watch failed; retrying", metadata: [
                    "kind": "\(kind.rawValue)", "error": "\(error)", "attempt": "\(failures)", "retryIn": "\(wait)"])
                try? await Task.sleep(for: wait)
            }
        }
    }

    /// Lists every page; reports the set as one `replace`. Returns the list's resourceVersion.
    /// The next page is requested as soon as its token is seen, and downloads while this one decodes.
    func list(sink: @Sendable (ClusterEvent) -> Void) async throws -> String {
        var objects: [ClusterObject] = []
        var resourceVersion = ""
        var data = try await client.get(path, query: query(continuing: nil))
        while true {
            let peeked = ListPage.peekContinueToken(data)
            let prefetch = peeked.map { [client, path] token in
                Task { [query = query(continuing: token)] in try await client.get(path, query: query) }
            }
            let page = try ListPage.decode(kind, data)
            for item in page.objects {
                switch item {
                case .success(let (object, _)): objects.append(object)
                case .failure(let f): report(f, sink: sink)
                }
            }
            resourceVersion = page.resourceVersion
            guard let token = page.continueToken else { prefetch?.cancel(); break }
            if let prefetch, peeked == token {
                data = try await prefetch.value
            } else {
                prefetch?.cancel()
                data = try await client.get(path, query: query(continuing: token))
            }
        }
        logger.debug("listed", metadata: ["kind": "\(kind.rawValue)", "count": "\(objects.count)", "resourceVersion": "\(resourceVersion)"])
        sink(.replace(kind, objects))
        return resourceVersion
    }

    /// A list request's query: a page of `pageSize`, from `token`.
    private func query(continuing token: String?) -> [(String, String)] {
        var query = [("limit", String(pageSize))]
        if !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        if let token { query.append(("continue", token)) }
        return query
    }

    /// Watches from `resourceVersion`, advancing it with every event and bookmark, until the
    /// server ends the stream. Throws `.gone` on a 410 (status or ERROR event).
    func watch(from resourceVersion: inout String, sink: @Sendable (ClusterEvent) -> Void) async throws {
        var query = [("watch", "1"), ("resourceVersion", resourceVersion), ("allowWatchBookmarks", "true"),
                     ("timeoutSeconds", String(Int.random(in: watchTimeoutSeconds)))]
        if !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        var rv = resourceVersion
        defer { resourceVersion = rv }
        try await client.stream(path, query: query) { data in
            let event = try WatchLine.decode(kind, data)
            if let v = event.resourceVersion { rv = v }
            switch event.kind {
            case .bookmark: break
            case .error:
                let status = event.status
                if status?.code == 410 || status?.reason == "Expired" || status?.reason == "Gone" {
                    throw KubeClientError.gone(operation: "watch \(path)")
                }
                throw status ?? KubeClientError.protocolError("watch ERROR event")
            case .added, .modified, .deleted:
                switch event.object {
                case .success(let (object, _))?:
                    if event.kind == .deleted {
                        if let key = object.key { sink(.delete(key)) }
                    } else {
                        sink(.upsert(object))
                    }
                case .failure(let f)?:
                    report(f, sink: sink)
                    // An object we cannot read must not keep its previous rules.
                    if let ns = f.object.namespace, let name = f.object.name {
                        sink(.delete(ObjectKey(kind, namespace: ns, name: name)))
                    }
                case nil: break
                }
            }
        }
    }

    private func report(_ failure: DecodeFailure, sink: @Sendable (ClusterEvent) -> Void) {
        sink(.invalid(failure.object, failure.message))
    }
}
