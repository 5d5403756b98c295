package io.derpring.internal.relay;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.EmptyFrameFlyweight;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.collections.ObjectHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One registered client connection: what it receives (two packet queues, a pending Pong, PeerGone and mesh frames,
 * the KeepAlive timer) and the rules for what it sends. The transport calls the {@code on*} methods on the shard's
 * thread for each frame its reader delivers, in order, and {@link #close} once when the connection ends.
 */
public final class RelayClient<F> {
    private static final int PEER_GONE_FRAME_LENGTH = FrameHeaderFlyweight.HEADER_LENGTH + PeerGoneFlyweight.PAYLOAD_LENGTH;

    final RelayShard<F> shard;
    final ClientSink<F> sink;
    final NodeKey key;
    final RelayKey relayKey;
    final boolean meshPeer;
    final boolean prober;
    final boolean canAckPings;
    final InetSocketAddress remote;
    final long connectionId;
    /** Non-null for an outgoing watch connection to this mesh peer (then this client is never looked up by key). */
    final MeshPeer<F> meshLink;

    final PacketQueue dataQueue;
    final PacketQueue discoQueue;

    // Shard-thread state.
    boolean closed;
    boolean dirty;
    int localIndex = -1;
    private boolean preferred;
    private boolean pongPending;
    private long pongData;
    private boolean keepAlivePending;
    private final long keepAlivePeriodNs;
    private long nextKeepAliveNs;
    private final long writeDeadlineNs;
    private long framesSentSeen;
    private long lastFrameSentNs;
    private boolean closeRequested;
    private final NotHereLimiter notHere;
    private ArrayDeque<PendingPeerGone> peerGone;
    private ArrayDeque<byte[]> meshFrames;
    private ObjectHashSet<RelayKey> sources;

    // Sender pause (RelayConfig#senderPauseNs). As a destination: non-zero while backlogged (the data queue half full
    // and the sink not writable), a new number each time, written only by this shard, read by senders on any shard.
    volatile int backlogEpoch;
    private int lastBacklogEpoch;
    // As a sender: the destination whose backlog paused reading, written by this shard, read by the destination's.
    volatile RelayClient<F> pausedOn;
    int pausedEpoch;
    // The backlog a pause of this sender timed out on: it is not paused for the same backlog twice.
    private RelayClient<F> timedOutOn;
    private int timedOutEpoch;

    // Written under the ClientSet lock by any shard, read here without it.
    ClientSet<F> set;
    volatile boolean duplicate;
    volatile boolean disabled;
    volatile boolean watcher;
    /** Set by any thread when an update for this watcher could not be posted to its shard: the shard closes it. */
    private volatile boolean meshUpdateLost;

    RelayClient(final RelayShard<F> shard, final ClientSink<F> sink, final NodeKey key, final ClientInfo info,
                final boolean meshPeer, final InetSocketAddress remote) {
        this(shard, sink, key, info, meshPeer, remote, null, shard.config().queueDepth());
    }

    /** An outgoing watch connection to {@code peer}, whose server key is {@code key}. */
    RelayClient(final RelayShard<F> shard, final ClientSink<F> sink, final NodeKey key, final MeshPeer<F> peer) {
        this(shard, sink, key, null, true, null, peer, RelayConfig.MESH_LINK_QUEUE_DEPTH);
    }

    private RelayClient(final RelayShard<F> shard, final ClientSink<F> sink, final NodeKey key, final ClientInfo info,
                        final boolean meshPeer, final InetSocketAddress remote, final MeshPeer<F> meshLink,
                        final int queueDepth) {
        final RelayConfig config = shard.config();
        this.meshLink = meshLink;
        this.shard = shard;
        this.sink = sink;
        this.key = key;
        this.relayKey = RelayKey.of(key);
        this.meshPeer = meshPeer;
        this.prober = info != null && info.isProber();
        this.canAckPings = info != null && info.canAckPings();
        this.remote = remote;
        this.connectionId = shard.relay().nextConnectionId();
        this.dataQueue = new PacketQueue(queueDepth);
        this.discoQueue = new PacketQueue(queueDepth);
        final long nowNs = shard.clock.nanoTime();
        // derpserver.go sendLoop: one ticker per client, period KeepAlive + rand[0, 5 s) drawn once.
        final long jitter = config.keepAliveJitterNs() == 0 ? 0 : shard.random.nextLong(config.keepAliveJitterNs());
        this.keepAlivePeriodNs = config.keepAliveIntervalNs() + jitter;
        this.nextKeepAliveNs = nowNs + keepAlivePeriodNs;
        // derper: --tcp-write-timeout for clients, a longer fixed timeout for mesh peers (they carry a region's traffic).
        this.writeDeadlineNs = meshPeer ? config.meshWriteDeadlineNs() : config.writeDeadlineNs();
        this.lastFrameSentNs = nowNs;
        this.framesSentSeen = sink.framesSent();
        this.notHere = new NotHereLimiter(config.notHereBurst(), config.notHereIntervalNs(), nowNs);
    }

    public NodeKey key() {
        return key;
    }

    /** PeerPresent/PeerGone/Ping from the mesh peer this outgoing link watches: see {@link MeshPeer}. */
    public MeshPeer<F> meshLink() {
        return meshLink;
    }

    public boolean isMeshPeer() {
        return meshPeer;
    }

    public boolean isClosed() {
        return closed;
    }

    /** True while this is one of several connections of its key. */
    public boolean isDuplicate() {
        return duplicate;
    }

    /** True when the disableFighters policy disabled this connection. */
    public boolean isDisabled() {
        return disabled;
    }

    /** True when packets for this key currently come to this connection. */
    public boolean isActive() {
        final ClientSet<F> s = set;
        return s != null && s.active == this;
    }

    public boolean isPreferred() {
        return preferred;
    }

    public long connectionId() {
        return connectionId;
    }

    public int queuedData() {
        return dataQueue.size();
    }

    public int queuedDisco() {
        return discoQueue.size();
    }

    /** This client's KeepAlive period: the interval plus its jitter. */
    public long keepAlivePeriodNs() {
        return keepAlivePeriodNs;
    }

    // ---- frames from the client (SPEC §1.5) ----

    /**
     * Go {@code noteClientActivity}: called for every frame the client sends, before the frame's own handler. Free
     * unless the key has duplicates.
     */
    public void noteActivity() {
        if (duplicate && !disabled) {
            shard.relay().noteActivity(this);
        }
    }

    /** SendPacket: {@code buffer[payloadOffset, +payloadLength)} is {@code dst[32] || packet}, lent for this call. */
    public void onSendPacket(final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        shard.onSendPacket(this, buffer, payloadOffset, payloadLength);
    }

    /** ForwardPacket from a mesh peer (the reader already refused it from anyone else): {@code src || dst || packet}. */
    public void onForwardPacket(final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        if (meshPeer) {
            shard.onForwardPacket(this, buffer, payloadOffset, payloadLength);
        }
    }

    /** Ping: answer with a Pong of the same 8 bytes; while one is pending, further Pings are ignored (cap-1). */
    public void onPing(final long data) {
        shard.counters.increment(RelayCounter.PINGS_RECEIVED);
        if (pongPending) {
            shard.counters.increment(RelayCounter.PINGS_IGNORED);
            return;
        }
        pongPending = true;
        pongData = data;
        shard.markDirty(this);
    }

    public void onNotePreferred(final boolean preferred) {
        shard.counters.increment(RelayCounter.NOTE_PREFERRED);
        this.preferred = preferred;
    }

    /** WatchConns from a mesh peer: PeerPresent for every connected key, then live PeerPresent / PeerGone. */
    public void onWatchConns() {
        if (meshPeer) {
            shard.counters.increment(RelayCounter.WATCH_CONNS);
            shard.relay().addWatcher(this);
        }
    }

    /** ClosePeer from a mesh peer: close every local connection of the key at {@code buffer[keyOffset]}. */
    public void onClosePeer(final DirectBuffer buffer, final int keyOffset) {
        if (meshPeer) {
            shard.relay().closePeer(RelayKey.copyOf(buffer, keyOffset));
        }
    }

    /** The transport's writability changed: writable again resumes writing queued frames. */
    public void onWritabilityChanged(final boolean writable) {
        if (writable && !closed) {
            shard.markDirty(this);
        }
    }

    /**
     * The connection ended (called once by the transport; later calls do nothing). Queued packets are dropped as
     * {@code gone_disconnected} (or {@code shutdown}), and the key is unregistered: PeerGone goes out if this was
     * its last connection.
     */
    @SuppressWarnings("unchecked")
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        endBacklog();
        final DropReason reason = shard.relay().isShuttingDown() ? DropReason.SHUTDOWN : DropReason.GONE_DISCONNECTED;
        for (Object f; (f = dataQueue.poll()) != null; ) {
            shard.onDequeued(dataQueue.polledLength(), false);
            shard.release((F) f);
            shard.drop(reason, false);
        }
        for (Object f; (f = discoQueue.poll()) != null; ) {
            shard.onDequeued(discoQueue.polledLength(), true);
            shard.release((F) f);
            shard.drop(reason, true);
        }
        if (sources != null) {
            for (final RelayKey source : sources) {
                shard.forgetReceiver(this, source);
            }
            sources = null;
        }
        shard.removeLocal(this);
        shard.relay().unregister(this);
    }

    /** True while reading this client is paused behind a backlogged destination. */
    public boolean readPaused() {
        return pausedOn != null;
    }

    /**
     * The pause is over: the destination drained ({@code timedOut} false) or the pause reached its bound, after which
     * this sender is not paused again for the same backlog, so one slow reader delays a sender's other destinations
     * at most one bound per backlog. Returns whether a pause was on.
     */
    public boolean endPause(final boolean timedOut) {
        final RelayClient<F> on = pausedOn;
        if (on == null) {
            return false;
        }
        if (timedOut) {
            timedOutOn = on;
            timedOutEpoch = pausedEpoch;
            shard.counters.incrementOwned(RelayCounter.SENDER_PAUSE_TIMEOUTS);
        }
        pausedOn = null;
        return true;
    }

    // ---- shard-internal ----

    /**
     * This sender's shard, after routing a packet to {@code dst}: if {@code dst} is backlogged, reading this sender
     * pauses (after the current frame) until {@code dst}'s shard sees the backlog end, or the bound passes. The
     * registration is re-checked after it is published, so a backlog that ended meanwhile never strands a pause.
     */
    void pauseFor(final RelayClient<F> dst) {
        final int epoch = dst.backlogEpoch;
        if (epoch == 0 || pausedOn != null || meshPeer || (dst == timedOutOn && epoch == timedOutEpoch)
            || !sink.canPauseReading()) {
            return;
        }
        pausedEpoch = epoch;
        pausedOn = dst;
        if (!dst.shard.offerPausedSender(this) || dst.backlogEpoch != epoch
            || !sink.pauseReading(shard.config().senderPauseNs())) {
            pausedOn = null;
            return;
        }
        shard.counters.incrementOwned(RelayCounter.SENDER_PAUSES);
    }

    /** This shard: the data queue is half full and the sink refuses writes; senders that write here may pause. */
    void startBacklog() {
        if (backlogEpoch == 0) {
            lastBacklogEpoch = lastBacklogEpoch == Integer.MAX_VALUE ? 1 : lastBacklogEpoch + 1;
            backlogEpoch = lastBacklogEpoch;
        }
    }

    /** This shard: drained (or closed); its paused senders are resumed on this shard's pass. */
    private void endBacklog() {
        if (backlogEpoch != 0) {
            backlogEpoch = 0;
            shard.requestPass();
        }
    }

    void peerNotHere(final DirectBuffer buffer, final int keyOffset) {
        if (notHere.tryAcquire(shard.clock.nanoTime())) {
            queuePeerGone(RelayKey.copyOf(buffer, keyOffset), PeerGoneFlyweight.REASON_NOT_HERE);
        } else {
            shard.counters.increment(RelayCounter.PEER_GONE_NOT_HERE_LIMITED);
        }
    }

    void queuePeerGone(final RelayKey peer, final int reason) {
        if (peerGone == null) {
            peerGone = new ArrayDeque<>(4);
        }
        if (peerGone.size() >= shard.config().peerGoneQueueDepth()) {
            shard.counters.increment(RelayCounter.PEER_GONE_OVERFLOW);
            return;
        }
        peerGone.add(new PendingPeerGone(peer, reason));
        shard.markDirty(this);
    }

    /**
     * A PeerPresent/PeerGone for this mesh watcher. Beyond {@link RelayConfig#maxQueuedMeshFrames()} waiting (a peer
     * that reads slowly while clients churn; the mesh write deadline restarts with every frame that leaves, so a
     * trickling reader never meets it) the watcher is closed rather than one update dropped: the peer's table of our
     * keys stays right because it reconnects and gets a fresh full dump. The same goes when an earlier update was
     * refused by the shard's full command queue ({@link #loseMeshUpdate}). Returns false once the watcher is closing.
     */
    boolean queueMeshFrame(final byte[] frame) {
        if (closed || closeRequested) {
            return false;
        }
        if (meshFrames == null) {
            meshFrames = new ArrayDeque<>();
        }
        if (meshUpdateLost || meshFrames.size() >= shard.config().maxQueuedMeshFrames()) {
            closeForLostMeshUpdate();
            return false;
        }
        meshFrames.add(frame);
        shard.markDirty(this);
        return true;
    }

    /** Any thread: an update for this watcher was refused by its shard's full command queue; closed on its shard. */
    void loseMeshUpdate() {
        meshUpdateLost = true;
    }

    private void closeForLostMeshUpdate() {
        meshFrames = null; // never written now: the memory goes with it
        closeRequested = true;
        shard.counters.increment(RelayCounter.CLOSED_MESH_WATCHER_OVERFLOW);
        sink.close();
    }

    /**
     * A packet from {@code source} was queued here (a local sender's or a mesh peer's ForwardPacket alike): this client
     * gets PeerGone when the source leaves. Beyond {@link RelayConfig#maxSourcesPerReceiver()} remembered sources a new
     * one is counted, not remembered; its packets still arrive, only that PeerGone is lost.
     */
    void noteSource(final RelayKey source) {
        if (sources == null) {
            sources = new ObjectHashSet<>(8);
        }
        if (sources.size() >= shard.config().maxSourcesPerReceiver()) {
            if (!sources.contains(source)) {
                shard.counters.incrementOwned(RelayCounter.PEER_GONE_SOURCES_REFUSED);
            }
            return;
        }
        if (sources.add(source)) {
            shard.noteReceiver(source, this);
        }
    }

    void forgetSource(final RelayKey source) {
        if (sources != null) {
            sources.remove(source);
        }
    }

    void closeByMeshPeer() {
        if (!closed && !closeRequested) {
            closeRequested = true;
            shard.counters.increment(RelayCounter.CLOSED_BY_CLOSE_PEER);
            sink.close();
        }
    }

    void onTimer(final long nowNs) {
        if (closed) {
            return;
        }
        if (meshUpdateLost && !closeRequested) { // no later update came to close it
            closeForLostMeshUpdate();
            return;
        }
        if (!closeRequested && writeDeadlinePassed(nowNs)) {
            // Go: a frame write that does not complete within --tcp-write-timeout fails and ends the connection.
            closeRequested = true;
            shard.counters.increment(RelayCounter.CLOSED_WRITE_TIMEOUT);
            sink.close();
            return;
        }
        if (meshLink == null && nowNs - nextKeepAliveNs >= 0) { // KeepAlive is the server's, not a mesh link's
            keepAlivePending = true;
            nextKeepAliveNs += keepAlivePeriodNs;
            if (nextKeepAliveNs - nowNs <= 0) {
                nextKeepAliveNs = nowNs + keepAlivePeriodNs;
            }
            shard.markDirty(this);
        }
    }

    /**
     * The write deadline runs while a written frame has not left (or the sink refuses writes) and restarts each time a
     * whole frame leaves: a steady slow reader stays, a stalled or byte-trickling one is closed.
     */
    private boolean writeDeadlinePassed(final long nowNs) {
        final long sent = sink.framesSent();
        if (sent != framesSentSeen || (!sink.hasUnsentFrames() && sink.isWritable())) {
            framesSentSeen = sent;
            lastFrameSentNs = nowNs;
            return false;
        }
        return nowNs - lastFrameSentNs >= writeDeadlineNs;
    }

    /**
     * Writes what is pending while the sink is writable, then flushes once: Pong, PeerGone, mesh updates, KeepAlive,
     * then disco before data, so a data flood never delays disco (B19). Returns the frames written.
     */
    @SuppressWarnings("unchecked")
    int writeQueued() {
        final UnsafeBuffer scratch = shard.scratch;
        int written = 0;
        while (!closed && sink.isWritable()) {
            if (pongPending) {
                pongPending = false;
                sink.writeControl(scratch, 0, PingFlyweight.encodePong(scratch, 0, pongData));
                shard.counters.increment(RelayCounter.PONGS_SENT);
            } else if (peerGone != null && !peerGone.isEmpty()) {
                final PendingPeerGone p = peerGone.poll();
                FrameHeaderFlyweight.write(scratch, 0, FrameType.PEER_GONE, PeerGoneFlyweight.PAYLOAD_LENGTH);
                p.peer.writeTo(scratch, FrameHeaderFlyweight.HEADER_LENGTH + PeerGoneFlyweight.PEER_KEY_OFFSET);
                scratch.putByte(FrameHeaderFlyweight.HEADER_LENGTH + PeerGoneFlyweight.REASON_OFFSET, (byte) p.reason);
                sink.writeControl(scratch, 0, PEER_GONE_FRAME_LENGTH);
                shard.counters.increment(p.reason == PeerGoneFlyweight.REASON_NOT_HERE
                    ? RelayCounter.PEER_GONE_NOT_HERE_SENT : RelayCounter.PEER_GONE_DISCONNECTED_SENT);
            } else if (meshFrames != null && !meshFrames.isEmpty()) {
                final byte[] frame = meshFrames.poll();
                sink.writeControl(new UnsafeBuffer(frame), 0, frame.length);
                if (frame[0] == FrameType.PEER_PRESENT) {
                    shard.counters.increment(RelayCounter.PEER_PRESENT_SENT);
                }
            } else if (keepAlivePending) {
                keepAlivePending = false;
                sink.writeControl(scratch, 0, EmptyFrameFlyweight.encodeKeepAlive(scratch, 0));
                shard.counters.increment(RelayCounter.KEEPALIVES_SENT);
            } else if (!discoQueue.isEmpty()) {
                writePacket((F) discoQueue.poll(), discoQueue.polledLength(), true);
            } else if (!dataQueue.isEmpty()) {
                writePacket((F) dataQueue.poll(), dataQueue.polledLength(), false);
            } else {
                break;
            }
            written++;
        }
        if (written > 0) {
            sink.flush();
        }
        if (!closed && sink.isWritable()) { // the queue drained into a socket that takes more: senders go on
            endBacklog();
        }
        return written;
    }

    private void writePacket(final F frame, final int frameLength, final boolean disco) {
        shard.onDequeued(frameLength, disco);
        sink.writePacket(frame, frameLength);
        if (meshLink != null) {
            meshLink.countForwarded();
            shard.counters.incrementOwned(RelayCounter.MESH_PACKETS_FORWARDED);
            return;
        }
        shard.counters.incrementOwned(RelayCounter.PACKETS_FORWARDED);
        shard.counters.addOwned(RelayCounter.BYTES_FORWARDED,
            frameLength - FrameHeaderFlyweight.HEADER_LENGTH - io.derpring.internal.frame.DerpProtocol.KEY_LENGTH);
    }

    @Override
    public String toString() {
        return "RelayClient{" + key + ", conn=" + connectionId + (meshPeer ? ", mesh" : "") + "}";
    }

    private static final class PendingPeerGone {
        final RelayKey peer;
        final int reason;

        PendingPeerGone(final RelayKey peer, final int reason) {
            this.peer = peer;
            this.reason = reason;
        }
    }
}
