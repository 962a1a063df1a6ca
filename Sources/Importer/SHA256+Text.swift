/// SHA-256 of short texts, for `serve`'s API and session tokens: the base keeps only the digest
/// of a token, so a copy of the base does not let anyone in.
public enum TokenDigest {
    /// The lowercase hex SHA-256 of `text`'s UTF-8 bytes.
    public static func sha256Hex(_ text: String) -> String {
        var hasher = SHA256.Hasher()
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { hasher.update(UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }
}
