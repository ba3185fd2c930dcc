/// What the worker remembers about one client besides its features: whether it is in the alert
/// segment, how many alerts it has had (the alert id's sequence), and the input offset of the
/// newest event already applied, so that a replay after a restart skips what the state holds.
public struct AlertMemory: Sendable, Equatable {
    public var inSegment: Bool
    /// Alerts published so far; the next alert's id uses `sequence + 1`.
    public var sequence: UInt32
    /// Offset of the newest input event applied to this client; −1 when none.
    public var appliedOffset: Int64

    public init(inSegment: Bool = false, sequence: UInt32 = 0, appliedOffset: Int64 = -1) {
        self.inSegment = inSegment
        self.sequence = sequence
        self.appliedOffset = appliedOffset
    }
}
