@testable import Agent
import Reconciler
import Testing

/// Repeated long strings of the stored models share one heap copy.
@Suite struct StringInternerTests {
    static func storage(_ s: String) -> UnsafeRawPointer? {
        var copy = s
        return copy.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func equalLongStringsShareOneCopyAndShortOnesPassThrough() {
        var interner = StringInterner()
        let a = String(repeating: "ip-10-0-12-34.", count: 2) + "compute.internal"
        let b = String(repeating: "ip-10-0-12-34.", count: 2) + "compute.internal"
        #expect(Self.storage(a) != Self.storage(b))
        let ia = interner.intern(a), ib = interner.intern(b)
        #expect(ia == b && Self.storage(ia) == Self.storage(ib))
        #expect(interner.intern("node-1") == "node-1")
    }

    @Test func slicesFromTheSameNodeShareTheNodeName() {
        var interner = StringInterner()
        let node = "ip-10-0-12-34.eu-west-1.compute.internal"
        func slice(_ name: String) -> EndpointSliceModel {
            var k = K.slice("a-rather-long-namespace", "web", name, ips: ["10.1.0.1"])
            // A fresh copy of the name per object, as each decoded object has.
            k.endpoints![0].nodeName = String(decoding: Array(node.utf8), as: UTF8.self)
            return k.validate().model!
        }
        let one = interner.intern(slice("one")), two = interner.intern(slice("two"))
        #expect(one.endpoints[0].nodeName == node)
        #expect(Self.storage(one.endpoints[0].nodeName!) == Self.storage(two.endpoints[0].nodeName!))
        #expect(Self.storage(one.service.namespace) == Self.storage(two.service.namespace))
    }
}
