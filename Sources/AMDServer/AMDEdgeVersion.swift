/// The release version of amd-edge, in one place.
///
/// `amd-edge --version`, `GET /healthz`, the webhooks' `User-Agent`, the daemon's start-up log line and the Debian
/// package (`scripts/package.sh` reads the quoted string on the `current` line) all show this value.
package enum AMDEdgeVersion {
    /// The version, `MAJOR.MINOR.PATCH`; Debian package versions must start with a digit.
    package static let current = "0.1.0"
}
