import Testing

@Test func IntegrationTestsPlaceholder() {}
