package io.derpring.internal.frame;

/**
 * Why the reader discarded one frame and kept the connection (SPEC §1.4 "drop", §1.5 "discard"). The reader counts
 * each reason; none of them is an error.
 */
public enum FrameDrop {
    /** A type this side does not handle (unassigned codes, the other side's frames, ServerKey after fast start). */
    UNKNOWN_TYPE("frames skipped: type not handled by this side"),
    /** derp_client.go: RecvPacket shorter than the 32-byte source key. */
    RECV_PACKET_TOO_SHORT("RecvPacket dropped: shorter than the source key"),
    /**
     * A RecvPacket whose packet exceeds MaxPacketSize. Go's client would deliver it (only the 1 MiB ceiling
     * applies), but no conforming server sends one; derpring skips it unbuffered and counts it, so the data path
     * never sees a packet longer than it could send.
     */
    RECV_PACKET_TOO_LONG("RecvPacket dropped: packet longer than " + FrameLimits.MAX_PACKET_SIZE),
    /** derp_client.go: PeerGone shorter than the 32-byte key. */
    PEER_GONE_TOO_SHORT("PeerGone dropped: shorter than the peer key"),
    /** derp_client.go: PeerPresent shorter than the 32-byte key. */
    PEER_PRESENT_TOO_SHORT("PeerPresent dropped: shorter than the peer key"),
    /** derp_client.go: Ping shorter than 8 bytes. */
    PING_TOO_SHORT("Ping dropped: shorter than 8 bytes"),
    /** derp_client.go: Pong shorter than 8 bytes. */
    PONG_TOO_SHORT("Pong dropped: shorter than 8 bytes"),
    /** derp_client.go: Restarting shorter than 8 bytes. */
    RESTARTING_TOO_SHORT("Restarting dropped: shorter than 8 bytes");

    private final String label;

    FrameDrop(final String label) {
        this.label = label;
    }

    /** A counter label, as Aeron's counter descriptors carry. */
    public String label() {
        return label;
    }
}
