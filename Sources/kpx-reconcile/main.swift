import ArgumentParser

struct KpxReconcile: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kpx-reconcile")
}
KpxReconcile.main()
