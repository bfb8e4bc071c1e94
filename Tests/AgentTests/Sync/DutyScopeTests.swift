@testable import Agent
import Reconciler
import Testing

/// Per-sync duties run when a change can concern them, and never miss one.
@Suite struct DutyScopeTests {
    let a = ServiceName(namespace: "ns", name: "a"), b = ServiceName(namespace: "ns", name: "b")

    @Test func startsWithEverythingThenOnlyWhatChanged() {
        var scope = DutyScope()
        #expect(scope.take { _ in false })          // start-up: run
        #expect(!scope.take { _ in true })          // nothing changed since
        scope.add([a])
        #expect(!scope.take { $0 == b })            // a changed, only b matters
        scope.add([a])
        #expect(scope.take { $0 == a })
    }

    /// Changes of syncs after which the duty did not run are still seen when it runs.
    @Test func changesAccumulateUntilTaken() {
        var scope = DutyScope()
        _ = scope.take { _ in false }
        scope.add([a])
        scope.add([b])
        #expect(scope.take { $0 == a })
        scope.add([b])
        scope.add(nil)                              // a full recompute
        #expect(scope.take { _ in false })
    }
}
