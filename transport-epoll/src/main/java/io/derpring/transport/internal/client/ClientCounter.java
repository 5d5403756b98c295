package io.derpring.transport.internal.client;

import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.metrics.CounterDescriptor;

/**
 * What one DERP client connection counts (or several, when they share a {@code Counters} instance). Per-packet
 * outcomes on the event loop are added once per drain pass or read, not once per packet.
 */
public enum ClientCounter implements CounterDescriptor {
    PACKETS_SENT(1, "SendPacket frames written to the channel"),
    BYTES_SENT(2, "bytes of DERP frames written to the channel (all types)"),
    DROPPED_QUEUE_OLDEST(3, "packets dropped: outbound queue full, the oldest queued packet made room (SPEC §5.1, B65)"),
    DROPPED_QUEUE_FULL(4, "packets refused under drop-oldest: outbound queue still full after 3 tries (Go errDropDerpPacket)"),
    DROPPED_RATE_LIMITED(5, "packets dropped silently: over the server's token bucket (SPEC §2.5, B10)"),
    DROPPED_NOT_CONNECTED(6, "packets dropped: connection closed (or never opened)"),
    DROPPED_UNSENT_AT_CLOSE(7, "packets still queued when the connection closed"),
    PACKETS_RECEIVED(8, "RecvPacket frames received"),
    RECEIVED_PUBLISHED(9, "RecvPacket frames published into the inbound ring"),
    RECEIVED_DROPPED_BY_RING(10, "RecvPacket frames the ring dropped (unknown sender, too large, full under drop-newest)"),
    RING_FULL_PAUSES(11, "times reading paused because the inbound ring was full"),
    RING_FULL_RESUMES(12, "times reading resumed after the inbound ring drained"),
    PINGS_RECEIVED(13, "server Pings received"),
    PONGS_SENT(14, "Pongs written in answer to server Pings (SPEC §3.6, B28)"),
    PONGS_DROPPED(15, "Pongs dropped: more server Pings unanswered at once than OutboundDrain.MAX_OWED_PONGS "
        + "(pongs are written only while the channel is writable)"),
    PINGS_SENT(16, "client Pings written"),
    PONGS_RECEIVED(17, "Pongs received"),
    KEEP_ALIVES_RECEIVED(18, "KeepAlive frames received"),
    HEALTH_RECEIVED(19, "Health frames received"),
    RESTARTING_RECEIVED(20, "Restarting frames received"),
    PEER_GONE_RECEIVED(21, "PeerGone frames received"),
    PEER_PRESENT_RECEIVED(22, "PeerPresent frames received"),
    SERVER_INFO_RECEIVED(23, "ServerInfo frames opened"),
    FRAMES_SKIPPED(24, "frames skipped: type a client does not read (SPEC §1.4, B21)"),
    FRAMES_DROPPED_BAD_LENGTH(25, "frames dropped: too short (or a RecvPacket too long) for their type, connection kept (SPEC §1.4, B23)"),
    NOTE_PREFERRED_SENT(26, "NotePreferred frames written"),
    FLUSHES(27, "channel flushes by the outbound drain (one per loop pass with output)"),
    CONNECTS(28, "connections that reached ServerInfo"),
    CONNECT_FAILURES(29, "connections that failed before ServerInfo"),
    DISCONNECTS(30, "connections that closed after ServerInfo"),
    BACK_PRESSURED(31, "packets refused: outbound queue full under backpressure; nothing dropped, the caller may retry"),
    DISCO_QUEUE_FULL(32, "disco frames refused: the connection's disco queue was full"),
    REJECTED_INVALID(33, "packets refused: length over 64 KiB, or offset and length outside the buffer"),
    DISCO_SENT(34, "disco frames written to the channel (also counted in PACKETS_SENT)"),
    // Every connection's end, by its typed reason (DerpConnectionException.Failure, or a protocol error): together
    // they add up to CONNECT_FAILURES + DISCONNECTS.
    CLOSES_NO_ADDRESS(35, "connections ended: no address to dial"),
    CLOSES_DIAL_FAILED(36, "connections ended: every dial attempt failed"),
    CLOSES_TLS_FAILED(37, "connections ended: TLS handshake failed"),
    CLOSES_UPGRADE_FAILED(38, "connections ended: the HTTP upgrade was refused"),
    CLOSES_UPGRADE_MALFORMED(39, "connections ended: malformed or oversize HTTP response head"),
    CLOSES_CONNECT_TIMEOUT(40, "connections ended: connect (dial to ServerInfo) took longer than the connect timeout"),
    CLOSES_KEEPALIVE_TIMEOUT(41, "connections ended: no complete frame within the keepalive deadline"),
    CLOSES_WRITE_TIMEOUT(42, "connections ended: channel unwritable past the write deadline"),
    CLOSES_BY_SERVER(43, "connections ended: the server closed the stream"),
    CLOSES_LOCALLY(44, "connections ended: closed by the client (idle, map change, rebind, engine close)"),
    CLOSES_IO_ERROR(45, "connections ended: I/O error (reset, broken pipe)"),
    CLOSES_WEBSOCKET_ERROR(46, "connections ended: the server broke WebSocket's rules"),
    CLOSES_PROTOCOL_ERROR(47, "connections ended: the server broke a DERP frame rule (oversize frame, bad handshake, "
        + "truncated frame)"),
    CLOSES_OTHER(48, "connections ended for another reason"),
    WEBSOCKET_PONGS_SKIPPED(49, "WebSocket pings never answered: a later ping came while the channel was unwritable "
        + "(RFC 6455 5.5.3: only the latest is answered, once writable; at most WebSocketStream.MAX_OWED_WEBSOCKET_PONGS owed)");

    private final int id;
    private final String label;

    ClientCounter(final int id, final String label) {
        this.id = id;
        this.label = label;
    }

    /** The counter of a connection's end for {@code cause}; allocates nothing. */
    static ClientCounter closedBy(final Throwable cause) {
        if (cause instanceof DerpProtocolException) {
            return CLOSES_PROTOCOL_ERROR;
        }
        if (!(cause instanceof DerpConnectionException)) {
            return CLOSES_OTHER;
        }
        switch (((DerpConnectionException) cause).failure()) {
            case NO_ADDRESS: return CLOSES_NO_ADDRESS;
            case DIAL_FAILED: return CLOSES_DIAL_FAILED;
            case TLS_FAILED: return CLOSES_TLS_FAILED;
            case UPGRADE_FAILED: return CLOSES_UPGRADE_FAILED;
            case UPGRADE_MALFORMED: return CLOSES_UPGRADE_MALFORMED;
            case CONNECT_TIMEOUT: return CLOSES_CONNECT_TIMEOUT;
            case KEEPALIVE_TIMEOUT: return CLOSES_KEEPALIVE_TIMEOUT;
            case WRITE_TIMEOUT: return CLOSES_WRITE_TIMEOUT;
            case CLOSED_BY_SERVER: return CLOSES_BY_SERVER;
            case CLOSED_LOCALLY: return CLOSES_LOCALLY;
            case IO_ERROR: return CLOSES_IO_ERROR;
            case WEBSOCKET_ERROR: return CLOSES_WEBSOCKET_ERROR;
            default: return CLOSES_OTHER;
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }
}
