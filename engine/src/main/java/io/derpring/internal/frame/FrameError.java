package io.derpring.internal.frame;

/**
 * Why a DERP connection must close: every fatal outcome of the frame reader and the handshake (SPEC §1.4, §1.5,
 * §2.2). Each message starts with Go's wording where Go has one, so logs read alike, then names the limit and the
 * value seen. {@link #describe} builds it only when an error happens, never on the hot path.
 */
public enum FrameError {
    /** derp_client.go recvTimeout: {@code n > 1<<20}, whatever the type. */
    CLIENT_FRAME_TOO_LARGE("unexpectedly large frame of %2$d bytes returned (limit " + FrameLimits.CLIENT_MAX_FRAME_LENGTH + ")"),
    /** derp.go readFrame via recvServerKey: the greeting is read with a 1 KiB cap. */
    SERVER_KEY_TOO_LONG("frame header size %2$d exceeds reader limit of " + FrameLimits.SERVER_KEY_MAX_FRAME_LENGTH),
    /** derp_client.go recvServerKey: the first frame is not a ServerKey. */
    GREETING_WRONG_TYPE("invalid server greeting: frame type 0x%1$x, want 0x1"),
    /** derp_client.go recvServerKey: {@code flen < 40}. */
    GREETING_TOO_SHORT("invalid server greeting: length %2$d < " + FrameLimits.SERVER_KEY_MIN_LENGTH),
    /** derp_client.go recvServerKey: the first 8 bytes are not "DERP🔑". */
    GREETING_BAD_MAGIC("invalid server greeting: bad magic"),
    /** derp_client.go parseServerInfo: {@code fl < NonceLen}. */
    SERVER_INFO_TOO_SHORT("short serverInfo frame (length %2$d < " + FrameLimits.SERVER_INFO_MIN_LENGTH + ")"),
    /** derp_client.go parseServerInfo: {@code fl > NonceLen + MaxInfoLen}. */
    SERVER_INFO_TOO_LONG("long serverInfo frame (length %2$d > " + FrameLimits.SERVER_INFO_MAX_LENGTH + ")"),
    /** derp_client.go parseServerInfo: the box does not open with (client priv, server pub). */
    SERVER_INFO_OPEN_FAILED("invalid server info frame: failed to open naclbox from server key (box length %2$d)"),
    /** derp_client.go parseServerInfo: the opened box is not ServerInfo JSON. */
    SERVER_INFO_BAD_JSON("invalid server info frame: bad JSON (%2$d bytes)"),
    /** derp.go readFrameTypeHeader via recvClientKey: the first client frame is not ClientInfo. */
    CLIENT_INFO_WRONG_TYPE("bad frame type 0x%1$X, want 0x2"),
    /** derpserver.go recvClientKey: {@code fl < keyLen + nonceLen}. */
    CLIENT_INFO_TOO_SHORT("short client info (length %2$d < " + FrameLimits.CLIENT_INFO_MIN_LENGTH + ")"),
    /** derpserver.go recvClientKey: {@code fl > 256<<10}. */
    CLIENT_INFO_TOO_LONG("long client info (length %2$d > " + FrameLimits.CLIENT_INFO_MAX_LENGTH + ")"),
    /** derpserver.go recvClientKey: the box does not open with (server priv, client pub). */
    CLIENT_INFO_OPEN_FAILED("msgbox: cannot open len=%2$d"),
    /** derpserver.go recvClientKey: the opened box is not ClientInfo JSON. */
    CLIENT_INFO_BAD_JSON("bad client info JSON (%2$d bytes)"),
    /** derpserver.go recvPacket: {@code frameLen < keyLen}. */
    SEND_PACKET_TOO_SHORT("short send packet frame (length %2$d < " + FrameLimits.KEYED_PACKET_MIN_LENGTH + ")"),
    /** derpserver.go recvPacket: packet (frame length - 32) above MaxPacketSize. */
    SEND_PACKET_TOO_LONG("data packet longer (%2$d) than max of " + FrameLimits.MAX_PACKET_SIZE, DerpProtocol.KEY_LENGTH),
    /** derpserver.go recvForwardPacket: {@code frameLen < keyLen*2}. */
    FORWARD_PACKET_TOO_SHORT("short send packet frame (forward packet length %2$d < " + FrameLimits.FORWARD_PACKET_MIN_LENGTH + ")"),
    /** derpserver.go recvForwardPacket: packet (frame length - 64) above MaxPacketSize. */
    FORWARD_PACKET_TOO_LONG("data packet longer (%2$d) than max of " + FrameLimits.MAX_PACKET_SIZE, 2 * DerpProtocol.KEY_LENGTH),
    /** derpserver.go handleFrameNotePreferred: {@code fl != 1}. */
    NOTE_PREFERRED_WRONG_SIZE("frameNotePreferred wrong size (length %2$d, want " + FrameLimits.NOTE_PREFERRED_LENGTH + ")"),
    /** derpserver.go handleFrameWatchConns: {@code fl != 0}. */
    WATCH_CONNS_WRONG_SIZE("handleFrameWatchConns wrong size (length %2$d, want " + FrameLimits.WATCH_CONNS_LENGTH + ")"),
    /** derpserver.go handleFrameClosePeer: {@code fl != keyLen} (checked before permission). */
    CLOSE_PEER_WRONG_SIZE("handleFrameClosePeer wrong size (length %2$d, want " + FrameLimits.CLOSE_PEER_LENGTH + ")"),
    /** derpserver.go: ForwardPacket, WatchConns and ClosePeer need a mesh peer ({@code canMesh}). */
    INSUFFICIENT_PERMISSIONS("insufficient permissions (frame type 0x%1$x needs a mesh peer)"),
    /** derpserver.go handleFramePing: {@code fl < 8}. */
    PING_TOO_SHORT("short ping: %2$d (min " + FrameLimits.PING_DATA_LENGTH + ")"),
    /** derpserver.go handleFramePing: {@code fl > 1000}. */
    PING_TOO_LARGE("ping body too large: %2$d (max " + FrameLimits.SERVER_PING_MAX_LENGTH + ")"),
    /** The stream ended inside a frame header. */
    TRUNCATED_HEADER("unexpected EOF: stream ended inside a frame header (%2$d of 5 bytes)"),
    /** The stream ended inside a frame payload. */
    TRUNCATED_PAYLOAD("unexpected EOF: stream ended inside a frame of type 0x%1$x (length %2$d)");

    private final String format;
    private final long lengthBias;

    FrameError(final String format) {
        this(format, 0);
    }

    /** {@code lengthBias} turns the frame length into the value Go prints (the packet length after the keys). */
    FrameError(final String format, final long lengthBias) {
        this.format = format;
        this.lengthBias = lengthBias;
    }

    /**
     * The message for a frame of {@code frameType} whose length (or, for the open/JSON errors, box or text length)
     * was {@code length}. Allocates: call only on the way to closing a connection.
     */
    public String describe(final int frameType, final long length) {
        return String.format(format, frameType, length - lengthBias);
    }
}
