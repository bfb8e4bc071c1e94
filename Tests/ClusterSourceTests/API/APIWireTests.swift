import Reconciler
import ClusterSource
import Foundation
import Testing

/// The API's wire format; each case here was found by fuzzing (Tests/Fixtures/fuzz/regressions/watch).
@Suite struct APIWireTests {
    /// A bookmark whose object is not an object is a protocol error; an ADDED one is a failed item.
    @Test func watchObjectThatIsNotAnObject() throws {
        #expect(throws: WireFormatError.self) { try WatchLine.decode(.service, Data(#"{"type":"BOOKMARK","object":"Service"}"#.utf8)) }
        guard case .failure? = try WatchLine.decode(.service, Data(#"{"type":"ADDED","object":1}"#.utf8)).object else {
            Issue.record("decoded a number"); return
        }
    }

    /// List items that are not objects are undecodable items (reported), not a trap.
    @Test func listItemsThatAreNotObjects() throws {
        let page = try ListPage.decode(.service, Data(#"{"metadata":{"resourceVersion":"7"},"items":[1,"x",{"metadata":{"name":"a","namespace":"b"}}]}"#.utf8))
        #expect(page.objects.count == 3 && page.resourceVersion == "7")
        guard case .failure = page.objects[0] else { Issue.record("decoded a number"); return }
    }
}

/// The one-pass decoders on the agent's list and watch paths (the only API decoding path).
@Suite struct OnePassDecodeTests {
    static let list = Data(#"{"kind":"ServiceList","metadata":{"resourceVersion":"9","continue":"abc"},"items":[{"metadata":{"name":"a","namespace":"ns","resourceVersion":"5"},"spec":{"clusterIP":"172.30.0.1","ports":[{"port":80}]}},{"metadata":{"name":"bad","namespace":"ns"},"spec":{"ports":"nope"}},7]}"#.utf8)

    @Test func listPageItemsSucceedAndFailOnTheirOwn() throws {
        let page = try ListPage.decode(.service, Self.list)
        #expect(page.resourceVersion == "9" && page.continueToken == "abc" && page.objects.count == 3)
        guard case .success(let (object, version)) = page.objects[0], case .service(let service) = object else {
            Issue.record("good item failed"); return
        }
        #expect(service.metadata.name == "a" && service.spec.clusterIP == "172.30.0.1" && version == "5")
        guard case .failure(let f) = page.objects[1] else { Issue.record("bad item decoded"); return }
        #expect(f.object.name == "bad" && f.object.namespace == "ns")
        guard case .failure = page.objects[2] else { Issue.record("a number decoded"); return }
    }

    /// The token is read before the page decodes only where it is unambiguous.
    @Test func continueTokenIsPeekedFromTheListMetadata() {
        #expect(ListPage.peekContinueToken(Self.list) == "abc")
        #expect(ListPage.peekContinueToken(Data(#"{"metadata":{"resourceVersion":"9"},"items":[{"continue":"x"}]}"#.utf8)) == nil)
        #expect(ListPage.peekContinueToken(Data(#"{"metadata":{"continue":"a\"b"},"items":[]}"#.utf8)) == nil)
        #expect(ListPage.peekContinueToken(Data(#"{"metadata":{"continue":""},"items":[]}"#.utf8)) == nil)
        #expect(ListPage.peekContinueToken(Data(#"{"metadata":{"continue":"unterminated"#.utf8)) == nil)
    }

    @Test func statusIsThrown() {
        let status = Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}"#.utf8)
        #expect(throws: APIStatus.self) { try ListPage.decode(.service, status) }
    }

    @Test func watchEvents() throws {
        let added = try WatchLine.decode(.endpointSlice, Data(#"{"type":"ADDED","object":{"kind":"EndpointSlice","metadata":{"name":"s","namespace":"ns","resourceVersion":"12","labels":{"kubernetes.io/service-name":"a"},"annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2026-12-04T05:00:00Z"}},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}],"ports":[{"port":80}]}}"#.utf8))
        guard case .success(let (object, rv))? = added.object, case .endpointSlice(_, let trigger) = object else { Issue.record("\(added)"); return }
        #expect(rv == "12" && added.resourceVersion == "12" && trigger != nil)
        let bookmark = try WatchLine.decode(.service, Data(#"{"type":"BOOKMARK","object":{"kind":"Service","metadata":{"resourceVersion":"40"}}}"#.utf8))
        #expect(bookmark.kind == .bookmark && bookmark.resourceVersion == "40")
        let gone = try WatchLine.decode(.service, Data(#"{"type":"ERROR","object":{"kind":"Status","reason":"Expired","code":410}}"#.utf8))
        #expect(gone.status?.code == 410)
        // An object that is not one is an undecodable object (reported; the watch goes on).
        guard case .failure? = try WatchLine.decode(.service, Data(#"{"type":"ADDED","object":"x"}"#.utf8)).object else {
            Issue.record("a string decoded as a Service"); return
        }
        #expect(throws: WireFormatError.self) { try WatchLine.decode(.service, Data(#"{"type":"NOPE","object":{}}"#.utf8)) }
    }
}
