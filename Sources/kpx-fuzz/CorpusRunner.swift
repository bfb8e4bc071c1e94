import Foundation

/// Built with `-sanitize=fuzzer -DKPX_LIBFUZZER` (scripts/fuzz.sh): hands the command line to
/// libFuzzer's driver. In a plain build: runs each file (or each file of each directory) named on
/// the command line through the target once, to replay a corpus or a crash
/// (`KPX_FUZZ_TARGET=manifest kpx-fuzz FILE...`).
@main
struct CorpusRunner {
    static func main() {
        #if KPX_LIBFUZZER
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            let paths = (try? FileManager.default.contentsOfDirectory(atPath: path).map { "\(path)/\($0)" }) ?? [path]
            for file in paths.sorted() {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                let bytes = [UInt8](data)
                bytes.withUnsafeBufferPointer { raw in
                    var one: UInt8 = 0
                    _ = fuzzOneInput(raw.baseAddress ?? withUnsafePointer(to: &one) { $0 }, raw.count)
                }
                count += 1
            }
        }
        print("\(FuzzTarget.current.rawValue): \(count) inputs ran without a crash")
        #endif
    }
}

#if KPX_LIBFUZZER
/// libFuzzer's driver (compiler-rt, linked by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt
#endif
