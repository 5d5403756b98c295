package io.derpring.internal.frame;

/**
 * DERP frame type codes (SPEC §1.3, Go {@code derp/derp.go} {@code frameType} constants). Plain {@code int}s so the
 * reader can index its rule table and switch without boxing; {@link #name(int)} is for messages only.
 *
 * <p>Codes {@code 0x0b..0x0f} are unassigned: ForwardPacket is {@code 0x0a} although Go lists it after
 * RecvPacket, and the mesh frames start at {@code 0x10}.
 */
public final class FrameType {
    /** S→C {@code Magic[8] || serverPub[32] || future bytes}. */
    public static final int SERVER_KEY = 0x01;
    /** C→S {@code clientPub[32] || nonce[24] || box(json)}. */
    public static final int CLIENT_INFO = 0x02;
    /** S→C {@code nonce[24] || box(json)}. */
    public static final int SERVER_INFO = 0x03;
    /** C→S {@code dstPub[32] || packet}. */
    public static final int SEND_PACKET = 0x04;
    /** S→C (protocol v2) {@code srcPub[32] || packet}. */
    public static final int RECV_PACKET = 0x05;
    /** S→C empty; a no-op that keeps NAT state and proves liveness. */
    public static final int KEEP_ALIVE = 0x06;
    /** C→S one byte: {@code 0x01} = this is my home region. */
    public static final int NOTE_PREFERRED = 0x07;
    /** S→C {@code peerPub[32] [|| reason u8]}. */
    public static final int PEER_GONE = 0x08;
    /** S→watcher {@code peerPub[32] [|| ip[16] || port u16be [|| flags u8]]}. */
    public static final int PEER_PRESENT = 0x09;
    /** mesh→S {@code srcPub[32] || dstPub[32] || packet}. */
    public static final int FORWARD_PACKET = 0x0a;
    /** mesh C→S empty: subscribe to PeerPresent/PeerGone. */
    public static final int WATCH_CONNS = 0x10;
    /** mesh C→S {@code peerPub[32]}: close every local connection of that key. */
    public static final int CLOSE_PEER = 0x11;
    /** either direction: 8 opaque bytes. */
    public static final int PING = 0x12;
    /** either direction: the 8 bytes of the Ping being answered. */
    public static final int PONG = 0x13;
    /** S→C UTF-8 problem text; empty = healthy again. */
    public static final int HEALTH = 0x14;
    /** S→C {@code reconnectInMs u32be || tryForMs u32be}. */
    public static final int RESTARTING = 0x15;

    /** One past the largest value of the type byte: rule tables are indexed by the raw byte. */
    public static final int TYPE_SPACE = 256;

    private static final String[] NAMES = new String[TYPE_SPACE];

    static {
        NAMES[SERVER_KEY] = "ServerKey";
        NAMES[CLIENT_INFO] = "ClientInfo";
        NAMES[SERVER_INFO] = "ServerInfo";
        NAMES[SEND_PACKET] = "SendPacket";
        NAMES[RECV_PACKET] = "RecvPacket";
        NAMES[KEEP_ALIVE] = "KeepAlive";
        NAMES[NOTE_PREFERRED] = "NotePreferred";
        NAMES[PEER_GONE] = "PeerGone";
        NAMES[PEER_PRESENT] = "PeerPresent";
        NAMES[FORWARD_PACKET] = "ForwardPacket";
        NAMES[WATCH_CONNS] = "WatchConns";
        NAMES[CLOSE_PEER] = "ClosePeer";
        NAMES[PING] = "Ping";
        NAMES[PONG] = "Pong";
        NAMES[HEALTH] = "Health";
        NAMES[RESTARTING] = "Restarting";
    }

    private FrameType() {
    }

    /** True for the 16 codes of SPEC §1.3. */
    public static boolean isAssigned(final int type) {
        return type >= 0 && type < TYPE_SPACE && NAMES[type] != null;
    }

    /** The SPEC name, e.g. {@code "SendPacket"}, or {@code "unknown(0x7f)"}; for messages, not for the hot path. */
    public static String name(final int type) {
        return isAssigned(type) ? NAMES[type] : String.format("unknown(0x%x)", type);
    }
}
