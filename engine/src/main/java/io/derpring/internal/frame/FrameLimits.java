package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.DerpProtocol.MAGIC_LENGTH;
import static io.derpring.internal.frame.DerpProtocol.NONCE_LENGTH;

/**
 * Every size limit of SPEC §1.1, §1.4, §1.5 and §2.2 with its upstream source. All are payload lengths: the 5 header
 * bytes are never counted. Limits are inclusive unless the name says otherwise.
 */
public final class FrameLimits {
    /** derp.go {@code MaxPacketSize = 64 << 10}: packet bytes after the key(s); 65 536 is allowed, 65 537 is not. */
    public static final int MAX_PACKET_SIZE = 64 << 10;
    /** derp.go {@code MaxInfoLen = 1 << 20}: largest ServerInfo box the client accepts (plus the nonce). */
    public static final int MAX_INFO_LENGTH = 1 << 20;
    /** derp.go {@code WriteFrame}: refuses a payload over 10 MiB ("unreasonably large frame write"). */
    public static final int MAX_WRITE_PAYLOAD_LENGTH = 10 << 20;

    /** derp_client.go {@code recvTimeout}: {@code n > 1<<20} is fatal "unexpectedly large frame", any type. */
    public static final int CLIENT_MAX_FRAME_LENGTH = 1 << 20;
    /** derp_client.go {@code recvServerKey}: {@code readFrame(br, 1<<10, buf[40])}. */
    public static final int SERVER_KEY_MAX_FRAME_LENGTH = 1 << 10;
    /** derp_client.go {@code recvServerKey}: {@code flen < len(buf)} is an invalid greeting; magic + key. */
    public static final int SERVER_KEY_MIN_LENGTH = MAGIC_LENGTH + KEY_LENGTH;
    /** derpserver.go {@code recvClientKey}: {@code fl < keyLen + nonceLen} is "short client info". */
    public static final int CLIENT_INFO_MIN_LENGTH = KEY_LENGTH + NONCE_LENGTH;
    /** derpserver.go {@code recvClientKey}: {@code fl > 256<<10} is "long client info" (JSON exhaustion guard). */
    public static final int CLIENT_INFO_MAX_LENGTH = 256 << 10;
    /** derp_client.go {@code parseServerInfo}: {@code fl < NonceLen} is "short serverInfo frame". */
    public static final int SERVER_INFO_MIN_LENGTH = NONCE_LENGTH;
    /** derp_client.go {@code parseServerInfo}: {@code NonceLen + MaxInfoLen} (the read ceiling is stricter). */
    public static final int SERVER_INFO_MAX_LENGTH = NONCE_LENGTH + MAX_INFO_LENGTH;

    /** SendPacket / RecvPacket: the 32-byte key must be there ("short send packet frame"). */
    public static final int KEYED_PACKET_MIN_LENGTH = KEY_LENGTH;
    /** SendPacket / RecvPacket: key + {@link #MAX_PACKET_SIZE}. */
    public static final int KEYED_PACKET_MAX_LENGTH = KEY_LENGTH + MAX_PACKET_SIZE;
    /** ForwardPacket: both keys. */
    public static final int FORWARD_PACKET_MIN_LENGTH = 2 * KEY_LENGTH;
    /** ForwardPacket: both keys + {@link #MAX_PACKET_SIZE}. */
    public static final int FORWARD_PACKET_MAX_LENGTH = 2 * KEY_LENGTH + MAX_PACKET_SIZE;

    /** derp.go {@code PingMessage [8]byte}; Ping and Pong both. */
    public static final int PING_DATA_LENGTH = 8;
    /** derpserver.go {@code handleFramePing}: {@code fl > 1000} is "ping body too large". */
    public static final int SERVER_PING_MAX_LENGTH = 1000;
    /** derpserver.go {@code handleFrameNotePreferred}: {@code fl != 1} is "frameNotePreferred wrong size". */
    public static final int NOTE_PREFERRED_LENGTH = 1;
    /** derpserver.go {@code handleFrameClosePeer}: {@code fl != keyLen} is "wrong size". */
    public static final int CLOSE_PEER_LENGTH = KEY_LENGTH;
    /** derpserver.go {@code handleFrameWatchConns}: {@code fl != 0} is "wrong size". */
    public static final int WATCH_CONNS_LENGTH = 0;
    /** derp_client.go: PeerGone and PeerPresent need the 32-byte key, else dropped. */
    public static final int PEER_KEY_MIN_LENGTH = KEY_LENGTH;
    /** derp_client.go: Restarting needs two u32be, else dropped. */
    public static final int RESTARTING_MIN_LENGTH = 8;

    private FrameLimits() {
    }
}
