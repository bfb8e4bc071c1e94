import KubeClient
import NetlinkBridge
import Synchronization

/// What wakes the agent's loop.
enum AgentInput: Sendable {
    case cluster(ClusterEvent)
    /// Someone else committed to a table we own rules in (nil: events were lost, assume so).
    case drift(NftTransaction?)
    case shutdown
}

/// A multi-producer, single-consumer queue the loop waits on with a deadline.
final class Inbox: Sendable {
    private struct State {
        var items: [AgentInput] = []
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
        var firedID: UInt64 = .max
    }
    private let state = Mutex(State())

    func push(_ input: AgentInput) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.items.append(input)
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        waiter?.resume()
    }

    /// Everything queued, waiting until something is or `deadline` passes (nil: no deadline).
    func take(until deadline: ContinuousClock.Instant?) async -> [AgentInput] {
        let id = state.withLock { s -> UInt64 in s.nextID += 1; return s.nextID }
        let timer = deadline.map { d in Task { try? await Task.sleep(until: d, clock: .continuous); self.fire(id) } }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if !s.items.isEmpty || s.firedID == id { return true }
                s.waiter = (id, c)
                return false
            }
            if now { c.resume() }
        }
        timer?.cancel()
        return state.withLock { s in defer { s.items = [] }; return s.items }
    }

    private func fire(_ id: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.firedID = id
            guard let w = s.waiter, w.id == id else { return nil }
            s.waiter = nil
            return w.continuation
        }
        waiter?.resume()
    }
}
