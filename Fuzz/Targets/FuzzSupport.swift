// Shared by the libFuzzer targets (built by scripts/fuzz.sh, not by SwiftPM or CI).
#if canImport(Glibc)
import Glibc
#endif

/// Writes the input to a private scratch file (the readers under test take paths) and returns
/// the path; the same file is rewritten on every run.
func scratchFile(_ data: UnsafePointer<UInt8>, _ size: Int, suffix: String) -> String {
    let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    let path = "\(folder)/clientimport-fuzz-\(getpid())\(suffix)"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot write \(path)")
    var done = 0
    while done < size {
        let n = write(fd, data + done, size - done)
        precondition(n > 0, "cannot write \(path)")
        done += n
    }
    close(fd)
    return path
}
