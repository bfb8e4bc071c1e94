import Testing

@Test func ClusterSourceTestsPlaceholder() {}
