/// The release this source tree is (semantic versioning); the git revision comes from the
/// BuildInfo plugin (`buildRevision`).
let kpxVersion = "0.5.0"

/// `kpx-reconcile --version`: `0.5.0 (revision 1a2b3c4d5e6f)`.
var versionLine: String { "\(kpxVersion) (revision \(buildRevision))" }
