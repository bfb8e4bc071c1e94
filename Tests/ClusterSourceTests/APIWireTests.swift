import ClusterSource
import Foundation
import Testing

/// The API's wire format; each case here was found by fuzzing (Tests/Fixtures/fuzz/regressions/watch).
@Suite struct APIWireTests {
    /// A watch event whose object is a string trapped in JSONSerialization; now a protocol error.
    @Test func watchObjectThatIsNotAnObject() {
        #expect(throws: WireFormatError.self) { try WatchLine.parse(Data(#"{"type":"BOOKMARK","object":"Service"}"#.utf8)) }
        #expect(throws: WireFormatError.self) { try WatchLine.parse(Data(#"{"type":"ADDED","object":1}"#.utf8)) }
    }

    /// List items that are not objects are kept as undecodable items (reported), not a trap.
    @Test func listItemsThatAreNotObjects() throws {
        let page = try ListPage.parse(Data(#"{"metadata":{"resourceVersion":"7"},"items":[1,"x",{"metadata":{"name":"a","namespace":"b"}}]}"#.utf8))
        #expect(page.items.count == 3 && page.resourceVersion == "7")
        guard case .failure = WireFormat.object(.service, from: page.items[0]) else { Issue.record("decoded a number"); return }
    }
}
