import Testing

@Test func ReconcilerTestsPlaceholder() {}
