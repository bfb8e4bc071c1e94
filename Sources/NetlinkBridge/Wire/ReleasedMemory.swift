import CNetfilter

/// Gives freed heap memory back to the system. glibc keeps what a large batch freed (its
/// datagram and encoding transients) in its arenas, so without this the resident size after a
/// cold apply would stay at its peak.
public enum ReleasedMemory {
    /// Batches smaller than this leave too little behind to be worth a trim.
    public static let threshold = 4 << 20

    /// Trims the heap when a batch of `bytes` was just committed and freed.
    public static func trim(afterBatchOf bytes: Int) {
        guard bytes >= threshold else { return }
        trimNow()
    }

    /// `malloc_trim(0)`: returns free pages of every arena to the system.
    public static func trimNow() { _ = malloc_trim(0) }
}
