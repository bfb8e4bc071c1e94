import Testing

@Test func NetlinkBridgeTestsPlaceholder() {}
