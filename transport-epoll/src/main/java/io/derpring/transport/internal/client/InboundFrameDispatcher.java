package io.derpring.transport.internal.client;

import java.nio.ByteBuffer;

import io.derpring.internal.frame.DerpProtocol;
import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameDrop;
import io.derpring.internal.frame.FrameError;
import io.derpring.internal.frame.FrameHandler;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.HealthFlyweight;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.RestartingFlyweight;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.ring.InboundRing;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the client does with each frame its {@link io.derpring.internal.frame.FrameReader} delivers (SPEC §1.4, §5.11), on the
 * connection's event loop:
 * <ul>
 *   <li>RecvPacket: offered to the inbound ring straight from the buffer the reader lent (Netty's memory, or the
 *       reader's staging for a frame split across reads): the ring's slot copy is the only copy. A full ring refuses
 *       it; the packet is then kept here (the one copy made only under backpressure) and reading pauses.</li>
 *   <li>ServerKey / ServerInfo: the handshake, handed to the {@link DerpHandshake}.</li>
 *   <li>Ping: a Pong is owed (SPEC §3.6, B28). Everything else: counted and passed to the {@link DerpNodeListener}.</li>
 * </ul>
 * Per-packet counts are kept in fields and added to the shared counters once per read ({@link #publishCounts()}).
 */
final class InboundFrameDispatcher implements FrameHandler {
    /** A refused RecvPacket payload: the sender key and up to MaxPacketSize bytes. */
    static final int REFUSED_CAPACITY = DerpProtocol.KEY_LENGTH + FrameLimits.MAX_PACKET_SIZE;

    private final DerpClientHandler handler;
    private final DerpHandshake handshake;
    private final InboundFraming framing;
    private final DerpNodeConnection connection;
    private final DerpNodeListener listener;
    private final InboundRing ring;
    private final int regionId;
    private final OutboundDrain drain;
    private final Counters<ClientCounter> counters;

    private long nowNs;
    private long received;
    private long published;
    private long droppedByRing;
    private UnsafeBuffer refused;
    private int refusedPacketLength = -1;

    /**
     * @param handler   fails the connection on a protocol error
     * @param handshake takes ServerKey and ServerInfo
     * @param framing   paused and resumed by the ring
     */
    InboundFrameDispatcher(final DerpClientHandler handler, final DerpHandshake handshake,
                           final InboundFraming framing, final DerpNodeConnection connection,
                           final DerpNodeListener listener, final InboundRing ring, final int regionId,
                           final OutboundDrain drain, final Counters<ClientCounter> counters) {
        this.handler = handler;
        this.handshake = handshake;
        this.framing = framing;
        this.connection = connection;
        this.listener = listener;
        this.ring = ring;
        this.regionId = regionId;
        this.drain = drain;
        this.counters = counters;
    }

    /** The receive time stamped on packets from the current read. */
    void receiveTime(final long nowNs) {
        this.nowNs = nowNs;
    }

    @Override
    public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
        switch (type) {
            case FrameType.RECV_PACKET:
                // Only relayed packets count as receive activity for the region's idle rule: the server's own
                // KeepAlive (every 60-65 s) would otherwise keep an idle non-home region open (SPEC §5.1).
                connection.received(nowNs);
                onRecvPacket(buffer, offset, length);
                break;
            case FrameType.SERVER_KEY: // delivered only as the greeting; a later one is skipped by the rules (B21)
                handshake.onServerKey(ServerKeyFlyweight.readServerKey(buffer, offset));
                break;
            case FrameType.SERVER_INFO:
                handshake.onServerInfo(buffer, offset, length);
                break;
            case FrameType.KEEP_ALIVE:
                counters.increment(ClientCounter.KEEP_ALIVES_RECEIVED);
                listener.onKeepAlive(connection);
                break;
            case FrameType.PING:
                counters.increment(ClientCounter.PINGS_RECEIVED);
                drain.owePong(PingFlyweight.data(buffer, offset));
                break;
            case FrameType.PONG:
                counters.increment(ClientCounter.PONGS_RECEIVED);
                listener.onPong(connection, PingFlyweight.data(buffer, offset));
                break;
            case FrameType.PEER_GONE:
                counters.increment(ClientCounter.PEER_GONE_RECEIVED);
                listener.onPeerGone(connection, buffer, PeerGoneFlyweight.peerKeyOffset(offset),
                    PeerGoneFlyweight.reason(buffer, offset, length));
                break;
            case FrameType.PEER_PRESENT:
                counters.increment(ClientCounter.PEER_PRESENT_RECEIVED);
                listener.onPeerPresent(connection, buffer, offset, length);
                break;
            case FrameType.HEALTH:
                counters.increment(ClientCounter.HEALTH_RECEIVED);
                listener.onHealth(connection, HealthFlyweight.readProblem(buffer, offset, length));
                break;
            case FrameType.RESTARTING:
                counters.increment(ClientCounter.RESTARTING_RECEIVED);
                listener.onRestarting(connection, RestartingFlyweight.reconnectInMs(buffer, offset),
                    RestartingFlyweight.tryForMs(buffer, offset));
                break;
            default:
                break; // the client rules deliver no other type
        }
    }

    @Override
    public void onDrop(final FrameDrop reason, final int type, final long length) {
        counters.increment(reason == FrameDrop.UNKNOWN_TYPE
            ? ClientCounter.FRAMES_SKIPPED : ClientCounter.FRAMES_DROPPED_BAD_LENGTH);
    }

    @Override
    public void onError(final FrameError error, final int type, final long length) {
        handler.fail(new DerpProtocolException(error, type, length));
    }

    private void onRecvPacket(final DirectBuffer buffer, final int offset, final int length) {
        received++;
        final int outcome = ring.offer(regionId, buffer, PacketFlyweight.keyOffset(offset),
            PacketFlyweight.packetOffset(offset), PacketFlyweight.packetLength(length), nowNs, framing);
        if (outcome == InboundRing.PUBLISHED) {
            published++;
        } else if (outcome == InboundRing.DROPPED) {
            droppedByRing++;
        } else {
            keepRefused(buffer, offset, length);
            framing.pausedByFullRing();
        }
    }

    /** The ring did not take the packet: it is ours to offer again, and the reader's buffer is about to be reused. */
    private void keepRefused(final DirectBuffer buffer, final int offset, final int length) {
        if (refused == null) {
            refused = new UnsafeBuffer(ByteBuffer.allocateDirect(REFUSED_CAPACITY));
        }
        refused.putBytes(0, buffer, offset, length);
        refusedPacketLength = PacketFlyweight.packetLength(length);
    }

    /**
     * Loop, on resume: offers the refused packet again.
     *
     * @return true if it is gone (published or dropped by the ring), false if the ring refused it again
     */
    boolean reofferRefused(final long nowNs) {
        if (refusedPacketLength < 0) {
            return true;
        }
        final int outcome = ring.offer(regionId, refused, PacketFlyweight.keyOffset(0), PacketFlyweight.packetOffset(0),
            refusedPacketLength, nowNs, framing);
        if (outcome == InboundRing.FULL) {
            return false;
        }
        if (outcome == InboundRing.PUBLISHED) {
            published++;
        } else {
            droppedByRing++;
        }
        refusedPacketLength = -1;
        publishCounts();
        return true;
    }

    /** Adds this read's per-packet counts to the shared counters: one atomic add each per read, not per packet. */
    void publishCounts() {
        if (received != 0) {
            counters.add(ClientCounter.PACKETS_RECEIVED, received);
            received = 0;
        }
        if (published != 0) {
            counters.add(ClientCounter.RECEIVED_PUBLISHED, published);
            published = 0;
        }
        if (droppedByRing != 0) {
            counters.add(ClientCounter.RECEIVED_DROPPED_BY_RING, droppedByRing);
            droppedByRing = 0;
        }
    }
}
