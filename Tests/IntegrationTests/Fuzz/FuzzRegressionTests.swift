import Foundation
import TestSupport
import Testing

/// Every input a fuzz run found crashing (Tests/Fixtures/fuzz/regressions/TARGET) and every
/// seed the fuzz targets start from, replayed through `kpx-fuzz` (the plain build replays files
/// instead of fuzzing): each must run to the end without a crash.
@Suite struct FuzzRegressionTests {
    static let fuzzBinary = URL(fileURLWithPath: KpxBinary.path).deletingLastPathComponent().appendingPathComponent("kpx-fuzz").path

    @Test(arguments: ["manifest", "restore", "netlink", "watch"])
    func regressionsAndSeedsRunWithoutACrash(target: String) throws {
        let seeds = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-fuzz-seeds-\(target)-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: seeds) }
        try Shell.check(["python3", Repo.path("scripts/fuzz-seeds.py"), target, seeds])
        let regressions = Repo.path("Tests/Fixtures/fuzz/regressions/\(target)")
        let result = try Shell.run(["KPX_FUZZ_TARGET=\(target)", Self.fuzzBinary, regressions, seeds])
        #expect(result.status == 0, "\(result.stderr.suffix(2000))")
        #expect(result.stdout.contains("\(target): "), "\(result.stdout)")
    }
}
