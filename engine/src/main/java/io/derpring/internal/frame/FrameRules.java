package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameLimits.CLIENT_INFO_MAX_LENGTH;
import static io.derpring.internal.frame.FrameLimits.CLIENT_INFO_MIN_LENGTH;
import static io.derpring.internal.frame.FrameLimits.CLIENT_MAX_FRAME_LENGTH;
import static io.derpring.internal.frame.FrameLimits.CLOSE_PEER_LENGTH;
import static io.derpring.internal.frame.FrameLimits.FORWARD_PACKET_MAX_LENGTH;
import static io.derpring.internal.frame.FrameLimits.FORWARD_PACKET_MIN_LENGTH;
import static io.derpring.internal.frame.FrameLimits.KEYED_PACKET_MAX_LENGTH;
import static io.derpring.internal.frame.FrameLimits.KEYED_PACKET_MIN_LENGTH;
import static io.derpring.internal.frame.FrameLimits.NOTE_PREFERRED_LENGTH;
import static io.derpring.internal.frame.FrameLimits.PEER_KEY_MIN_LENGTH;
import static io.derpring.internal.frame.FrameLimits.PING_DATA_LENGTH;
import static io.derpring.internal.frame.FrameLimits.RESTARTING_MIN_LENGTH;
import static io.derpring.internal.frame.FrameLimits.SERVER_INFO_MAX_LENGTH;
import static io.derpring.internal.frame.FrameLimits.SERVER_INFO_MIN_LENGTH;
import static io.derpring.internal.frame.FrameLimits.SERVER_KEY_MAX_FRAME_LENGTH;
import static io.derpring.internal.frame.FrameLimits.SERVER_KEY_MIN_LENGTH;
import static io.derpring.internal.frame.FrameLimits.SERVER_PING_MAX_LENGTH;
import static io.derpring.internal.frame.FrameLimits.WATCH_CONNS_LENGTH;

import java.util.Arrays;

/**
 * One side's receive rules as a table (SPEC §1.4 client, §1.5 server, §2.2 handshake): a {@link FrameRule} per type
 * byte for the steady state, the rule for the first frame, the read ceiling and the staging bound derived from the
 * table. Immutable; the three tables are shared by every reader.
 */
public final class FrameRules {
    private static final FrameRules CLIENT = buildClient(true);
    private static final FrameRules CLIENT_FAST_START = buildClient(false);
    private static final FrameRules SERVER = buildServer();

    final String side;
    final FrameRule[] steady;
    /** The first frame's rule, or null when no handshake frame is read (fast start). */
    final FrameRule handshake;
    /** Steady-state frames longer than this are fatal whatever their type. */
    final long ceiling;
    final FrameError ceilingError;
    /** Server: stop after the handshake frame until the client is verified (Go reads nothing more before that). */
    final boolean pauseAfterHandshake;
    /** The largest frame prefix this side ever buffers: the staging buffer never grows beyond it. */
    final int stagingLimit;

    private FrameRules(final String side, final FrameRule[] steady, final FrameRule handshake, final long ceiling,
                       final FrameError ceilingError, final boolean pauseAfterHandshake) {
        this.side = side;
        this.steady = steady;
        this.handshake = handshake;
        this.ceiling = ceiling;
        this.ceilingError = ceilingError;
        this.pauseAfterHandshake = pauseAfterHandshake;
        long most = handshake == null ? 0 : handshake.stagedAtMost(Long.MAX_VALUE);
        for (final FrameRule rule : steady) {
            most = Math.max(most, rule.stagedAtMost(ceiling));
        }
        if (most > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(side + " rules would buffer an unbounded frame");
        }
        this.stagingLimit = (int) most;
    }

    /** A client that reads the ServerKey greeting first (SPEC §2.2). */
    public static FrameRules client() {
        return CLIENT;
    }

    /** A fast-start client (SPEC §2.6): no greeting is read; the ServerKey that still arrives is skipped. */
    public static FrameRules clientFastStart() {
        return CLIENT_FAST_START;
    }

    /** A server connection: ClientInfo first, then the client frames of SPEC §1.5. */
    public static FrameRules server() {
        return SERVER;
    }

    /** The largest number of bytes a reader with these rules ever stages. */
    public int stagingLimit() {
        return stagingLimit;
    }

    /** "client" or "server", for messages. */
    public String side() {
        return side;
    }

    private static FrameRule[] allSkipped() {
        final FrameRule[] table = new FrameRule[FrameType.TYPE_SPACE];
        Arrays.fill(table, FrameRule.skip());
        return table;
    }

    /** SPEC §1.4: derp_client.go recvTimeout; anything not listed (ServerKey included) is skipped. */
    private static FrameRules buildClient(final boolean readsGreeting) {
        final FrameRule[] t = allSkipped();
        t[FrameType.SERVER_INFO] = FrameRule.deliver()
            .atLeast(SERVER_INFO_MIN_LENGTH, FrameError.SERVER_INFO_TOO_SHORT)
            .atMost(SERVER_INFO_MAX_LENGTH, FrameError.SERVER_INFO_TOO_LONG);
        t[FrameType.RECV_PACKET] = FrameRule.deliver()
            .atLeast(KEYED_PACKET_MIN_LENGTH, FrameDrop.RECV_PACKET_TOO_SHORT)
            .atMost(KEYED_PACKET_MAX_LENGTH, FrameDrop.RECV_PACKET_TOO_LONG);
        t[FrameType.KEEP_ALIVE] = FrameRule.deliver().firstBytes(0);
        t[FrameType.PEER_GONE] = FrameRule.deliver()
            .atLeast(PEER_KEY_MIN_LENGTH, FrameDrop.PEER_GONE_TOO_SHORT)
            .firstBytes(PeerGoneFlyweight.PAYLOAD_LENGTH);
        t[FrameType.PEER_PRESENT] = FrameRule.deliver()
            .atLeast(PEER_KEY_MIN_LENGTH, FrameDrop.PEER_PRESENT_TOO_SHORT)
            .firstBytes(PeerPresentFlyweight.WITH_FLAGS_LENGTH);
        t[FrameType.PING] = FrameRule.deliver().atLeast(PING_DATA_LENGTH, FrameDrop.PING_TOO_SHORT).firstBytes(PING_DATA_LENGTH);
        t[FrameType.PONG] = FrameRule.deliver().atLeast(PING_DATA_LENGTH, FrameDrop.PONG_TOO_SHORT).firstBytes(PING_DATA_LENGTH);
        t[FrameType.HEALTH] = FrameRule.deliver();
        t[FrameType.RESTARTING] = FrameRule.deliver()
            .atLeast(RESTARTING_MIN_LENGTH, FrameDrop.RESTARTING_TOO_SHORT)
            .firstBytes(RestartingFlyweight.PAYLOAD_LENGTH);
        // derp_client.go recvServerKey: readFrame(br, 1<<10, buf[40]) checks the cap before anything else, then
        // type, length and magic all give "invalid server greeting"; bytes after the 40 are ignored.
        final FrameRule greeting = readsGreeting
            ? FrameRule.deliver()
                .atMost(SERVER_KEY_MAX_FRAME_LENGTH, FrameError.SERVER_KEY_TOO_LONG)
                .atLeast(SERVER_KEY_MIN_LENGTH, FrameError.GREETING_TOO_SHORT)
                .expectType(FrameType.SERVER_KEY, FrameError.GREETING_WRONG_TYPE, true)
                .firstBytes(SERVER_KEY_MIN_LENGTH)
                .withMagic()
            : null;
        return new FrameRules("client", t, greeting, CLIENT_MAX_FRAME_LENGTH, FrameError.CLIENT_FRAME_TOO_LARGE, false);
    }

    /** SPEC §1.5: derpserver.go sclient.run; anything not listed is discarded unbuffered (handleUnknownFrame). */
    private static FrameRules buildServer() {
        final FrameRule[] t = allSkipped();
        t[FrameType.NOTE_PREFERRED] = FrameRule.deliver().exactly(NOTE_PREFERRED_LENGTH, FrameError.NOTE_PREFERRED_WRONG_SIZE);
        t[FrameType.SEND_PACKET] = FrameRule.deliver()
            .atLeast(KEYED_PACKET_MIN_LENGTH, FrameError.SEND_PACKET_TOO_SHORT)
            .atMost(KEYED_PACKET_MAX_LENGTH, FrameError.SEND_PACKET_TOO_LONG);
        // handleFrameForwardPacket checks canMesh before reading anything.
        t[FrameType.FORWARD_PACKET] = FrameRule.deliver()
            .atLeast(FORWARD_PACKET_MIN_LENGTH, FrameError.FORWARD_PACKET_TOO_SHORT)
            .atMost(FORWARD_PACKET_MAX_LENGTH, FrameError.FORWARD_PACKET_TOO_LONG)
            .meshOnly(true);
        // handleFrameWatchConns and handleFrameClosePeer check the size first, then canMesh.
        t[FrameType.WATCH_CONNS] = FrameRule.deliver().exactly(WATCH_CONNS_LENGTH, FrameError.WATCH_CONNS_WRONG_SIZE).meshOnly(false);
        t[FrameType.CLOSE_PEER] = FrameRule.deliver().exactly(CLOSE_PEER_LENGTH, FrameError.CLOSE_PEER_WRONG_SIZE).meshOnly(false);
        t[FrameType.PING] = FrameRule.deliver()
            .atLeast(PING_DATA_LENGTH, FrameError.PING_TOO_SHORT)
            .atMost(SERVER_PING_MAX_LENGTH, FrameError.PING_TOO_LARGE)
            .firstBytes(PING_DATA_LENGTH);
        // derpserver.go recvClientKey: readFrameTypeHeader (type first), then short / long client info.
        final FrameRule clientInfo = FrameRule.deliver()
            .atLeast(CLIENT_INFO_MIN_LENGTH, FrameError.CLIENT_INFO_TOO_SHORT)
            .atMost(CLIENT_INFO_MAX_LENGTH, FrameError.CLIENT_INFO_TOO_LONG)
            .expectType(FrameType.CLIENT_INFO, FrameError.CLIENT_INFO_WRONG_TYPE, false);
        return new FrameRules("server", t, clientInfo, Long.MAX_VALUE, null, true);
    }
}
