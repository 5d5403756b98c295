package io.derpring.internal.relay;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.disco.DiscoHeaderFlyweight;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ForwardPacketFlyweight;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;
import org.agrona.DirectBuffer;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The relay work of one event loop: the clients connected on that loop, their queues and timers, and the mailbox
 * through which other loops hand it packets. Every method without a thread note runs on the shard's own thread, so
 * none of this state is shared; {@link #submit} and the mailbox are the only ways in from other threads.
 *
 * <p>A pass ({@link #runPass}) runs queued commands, drains the mailbox into the destination clients' queues, then
 * writes each dirty client's queued frames while its sink is writable and flushes it once: one write batch and one
 * flush per client per loop pass (SPEC §3.3).
 */
public final class RelayShard<F> {
    /**
     * Senders paused behind this shard's backlogged clients, registered from any shard; beyond this many at once a
     * sender is not paused (its packets meet the full queue's drop rules instead).
     */
    static final int PAUSED_SENDER_CAPACITY = 1024;
    /**
     * Handoffs seen waiting at a timer tick, with no pass run since, this long later are stranded (their wakeup was
     * lost) and the tick runs a pass. A pass already on its way (a wakeup task queued, a producer between its publish
     * and its wakeup) runs within one loop iteration, far below this; so a legitimate in-flight handoff is never
     * counted as rescued: {@link RelayCounter#HANDOFFS_RESCUED} stays 0 unless a wakeup was lost, or a producer thread
     * was descheduled this long between its publish and its wakeup (then the rescue only comes first).
     */
    static final long STRANDED_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long NOT_WAITING = Long.MIN_VALUE;

    private final Relay<F> relay;
    private final int index;
    private final ShardScheduler scheduler;
    private final RelayConfig config;
    private final FrameMemory<F> memory;
    final NanoClock clock;
    final SplittableRandom random;
    final ShardMailbox mailbox;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Commands waiting: {@link ConcurrentLinkedQueue#size()} walks the queue, this is what the bound reads. */
    private final AtomicInteger commandsWaiting = new AtomicInteger();
    private final AtomicBoolean wakePending = new AtomicBoolean();

    final Counters<RelayCounter> counters = new Counters<>(RelayCounter.class);
    final Counters<RelayDrop> drops = new Counters<>(RelayDrop.class);
    final Counters<RelayGauge> gauges = new Counters<>(RelayGauge.class);

    private final ArrayList<RelayClient<F>> clients = new ArrayList<>();
    private final ArrayList<RelayClient<F>> dirty = new ArrayList<>();
    private final ManyToOneConcurrentArrayQueue<RelayClient<F>> pauseRequests =
        new ManyToOneConcurrentArrayQueue<>(PAUSED_SENDER_CAPACITY);
    /** Senders (of any shard) paused behind a client of this shard, checked after each pass's writes. */
    private final ArrayList<RelayClient<F>> pausedSenders = new ArrayList<>();
    private final boolean pausesSenders;
    /** Source key → local clients that were sent packets from it (Go {@code sentTo}, SPEC §3.4). */
    private final Object2ObjectHashMap<RelayKey, ArrayList<RelayClient<F>>> receiversBySource =
        new Object2ObjectHashMap<>();
    private final RelayKey probe = RelayKey.probe();
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
    /** NaCl box state for this thread's handshakes (ClientInfo open, ServerInfo seal). */
    final NaclBox box = new NaclBox();

    private boolean passScheduled;
    private boolean inPass;
    /** Passes run so far: a pass since a tick's look at the mailbox drained what that tick saw. */
    private long passes;
    /** When a tick first saw handoffs waiting with no pass since ({@link #NOT_WAITING}: none seen). */
    private long handoffsSeenNs = NOT_WAITING;
    private long passesWhenSeen;
    private long queuedBytes;

    RelayShard(final Relay<F> relay, final int index, final ShardScheduler scheduler) {
        this.relay = relay;
        this.index = index;
        this.scheduler = scheduler;
        this.config = relay.config();
        this.memory = relay.memory();
        this.clock = config.clock();
        this.random = new SplittableRandom(config.jitterSeed() + index);
        this.mailbox = new ShardMailbox(config.mailboxCapacity());
        this.pausesSenders = config.senderPauseNs() != RelayConfig.SENDER_PAUSE_OFF;
    }

    public int index() {
        return index;
    }

    Relay<F> relay() {
        return relay;
    }

    RelayConfig config() {
        return config;
    }

    /**
     * Registers a connection whose ClientInfo was opened and admitted (SPEC §2.2: before ServerInfo is sent). The
     * newest connection of a key becomes its active one (§3.5).
     *
     * @param remote the client's address for PeerPresent, or null
     */
    public RelayClient<F> register(final ClientSink<F> sink, final NodeKey key, final ClientInfo info,
                                   final boolean meshPeer, final InetSocketAddress remote) {
        final RelayClient<F> c = new RelayClient<>(this, sink, key, info, meshPeer, remote);
        c.localIndex = clients.size();
        clients.add(c);
        gauges.increment(RelayGauge.CONNECTIONS);
        counters.increment(RelayCounter.CONNECTIONS_REGISTERED);
        relay.register(c);
        return c;
    }

    /** Local connections (a copy; allocates). */
    public ArrayList<RelayClient<F>> clients() {
        return new ArrayList<>(clients);
    }

    public int clientCount() {
        return clients.size();
    }

    // ---- the packet path ----

    /** SendPacket from {@code src} (SPEC §3.2): the payload is {@code dst[32] || packet}, lent for this call only. */
    void onSendPacket(final RelayClient<F> src, final DirectBuffer buffer, final int payloadOffset,
                      final int payloadLength) {
        final int packetOffset = PacketFlyweight.packetOffset(payloadOffset);
        final int packetLength = PacketFlyweight.packetLength(payloadLength);
        final boolean disco = DiscoHeaderFlyweight.looksLikeDisco(buffer, packetOffset, packetLength);
        countReceived(disco, packetLength);
        final ClientSet<F> set = relay.lookup(probe.aim(buffer, PacketFlyweight.keyOffset(payloadOffset)));
        final RelayClient<F> dst = set == null ? null : set.active;
        if (dst == null) {
            if (set == null) {
                // Go lookupDest: only a key with no local connection at all is looked up among the mesh peers.
                final MeshPeer<F> peer = relay.forwarderFor(probe);
                if (peer != null) {
                    forwardToMesh(src, peer, buffer, payloadOffset, packetOffset, packetLength, disco);
                    return;
                }
            }
            final boolean dup = set != null && set.size > 1;
            drop(dup ? DropReason.DUP_CLIENT : DropReason.UNKNOWN_DEST, disco);
            if (!dup && disco) {
                src.peerNotHere(buffer, PacketFlyweight.keyOffset(payloadOffset));
            }
            return;
        }
        final int frameLength = PacketFlyweight.frameLength(packetLength);
        final F frame = memory.allocate(frameLength, frameView);
        if (frame == null) {
            drop(DropReason.NO_MEMORY, disco);
            return;
        }
        PacketFlyweight.encodeRecvPacket(frameView, 0, src.key, buffer, packetOffset, packetLength);
        route(dst, frame, frameLength, src.relayKey, disco);
        if (pausesSenders) {
            src.pauseFor(dst);
        }
    }

    /**
     * SPEC §3.9: the destination is on {@code peer}: the packet goes out as {@code ForwardPacket(src, dst, packet)}
     * on the peer's watch connection, through that connection's queue like any delivery (allocation-free: a pooled
     * frame and the existing handoff).
     */
    private void forwardToMesh(final RelayClient<F> src, final MeshPeer<F> peer, final DirectBuffer buffer,
                               final int payloadOffset, final int packetOffset, final int packetLength,
                               final boolean disco) {
        final RelayClient<F> link = peer.link();
        if (link == null || link.closed) {
            peer.countUnavailable();
            drop(DropReason.MESH_PEER_UNAVAILABLE, disco);
            return;
        }
        final int frameLength = ForwardPacketFlyweight.frameLength(packetLength);
        final F frame = memory.allocate(frameLength, frameView);
        if (frame == null) {
            drop(DropReason.NO_MEMORY, disco);
            return;
        }
        ForwardPacketFlyweight.encode(frameView, 0, src.key, buffer, PacketFlyweight.keyOffset(payloadOffset),
            packetOffset, packetLength);
        route(link, frame, frameLength, null, disco);
    }

    /**
     * An outgoing watch connection to {@code peer} finished its handshake (SPEC §3.9): a client of this shard that is
     * never looked up by key. Packets for the peer's keys queue on it as ForwardPacket frames; it answers the peer's
     * Pings, and the mesh write deadline applies to it. Call {@link MeshPeer#linkUp} with it.
     */
    public RelayClient<F> registerMeshLink(final ClientSink<F> sink, final NodeKey peerServerKey,
                                           final MeshPeer<F> peer) {
        final RelayClient<F> c = new RelayClient<>(this, sink, peerServerKey, peer);
        c.localIndex = clients.size();
        clients.add(c);
        return c;
    }

    /**
     * ForwardPacket from a mesh peer (SPEC §3.9): {@code src[32] || dst[32] || packet}, delivered locally only, never
     * forwarded again.
     */
    void onForwardPacket(final RelayClient<F> from, final DirectBuffer buffer, final int payloadOffset,
                         final int payloadLength) {
        final int packetOffset = ForwardPacketFlyweight.packetOffset(payloadOffset);
        final int packetLength = ForwardPacketFlyweight.packetLength(payloadLength);
        final boolean disco = DiscoHeaderFlyweight.looksLikeDisco(buffer, packetOffset, packetLength);
        countReceived(disco, packetLength);
        final int dstKeyOffset = ForwardPacketFlyweight.destinationKeyOffset(payloadOffset);
        final ClientSet<F> set = relay.lookup(probe.aim(buffer, dstKeyOffset));
        final RelayClient<F> dst = set == null ? null : set.active;
        if (dst == null) {
            final boolean dup = set != null && set.size > 1;
            drop(dup ? DropReason.DUP_CLIENT : DropReason.UNKNOWN_DEST_ON_FWD, disco);
            if (!dup && disco) {
                from.peerNotHere(buffer, dstKeyOffset);
            }
            return;
        }
        final int frameLength = PacketFlyweight.frameLength(packetLength);
        final F frame = memory.allocate(frameLength, frameView);
        if (frame == null) {
            drop(DropReason.NO_MEMORY, disco);
            return;
        }
        final int srcKeyOffset = ForwardPacketFlyweight.sourceKeyOffset(payloadOffset);
        PacketFlyweight.encodeRecvPacket(frameView, 0, buffer, srcKeyOffset, buffer, packetOffset, packetLength);
        // Mesh traffic: the source key object outlives this call, so it is copied (the mesh path may allocate).
        route(dst, frame, frameLength, RelayKey.copyOf(buffer, srcKeyOffset), disco);
    }

    /** Per-packet counters are written only by this shard's thread: single-writer stores, no atomic adds. */
    private void countReceived(final boolean disco, final int packetLength) {
        counters.incrementOwned(RelayCounter.PACKETS_RECEIVED);
        counters.addOwned(RelayCounter.BYTES_RECEIVED, packetLength);
        if (disco) {
            counters.incrementOwned(RelayCounter.PACKETS_RECEIVED_DISCO);
        }
    }

    /** Same shard: straight into the queue. Other shard: over its mailbox, written on its next pass. */
    private void route(final RelayClient<F> dst, final F frame, final int frameLength, final RelayKey source,
                       final boolean disco) {
        final RelayShard<F> target = dst.shard;
        if (target == this) {
            deliverLocal(dst, frame, frameLength, source, disco);
        } else if (target.mailbox.offer(dst, frame, frameLength, source, disco)) {
            counters.incrementOwned(RelayCounter.PACKETS_HANDED_OFF);
            target.wakeFromOtherThread();
        } else {
            memory.release(frame);
            drop(DropReason.HANDOFF_FULL, disco);
        }
    }

    /**
     * SPEC §3.2 sendPkt / B18: into the disco or data queue; when full, drop the oldest ({@code queue_head}) and try
     * again, up to {@link RelayConfig#SEND_ATTEMPTS} times, then drop the new packet ({@code queue_tail}). With one
     * writer per queue the first head drop always makes room, so {@code queue_tail} stays for Go parity.
     */
    @SuppressWarnings("unchecked")
    void deliverLocal(final RelayClient<F> dst, final F frame, final int frameLength, final RelayKey source,
                      final boolean disco) {
        if (dst.closed) {
            memory.release(frame);
            drop(DropReason.GONE_DISCONNECTED, disco);
            return;
        }
        if (queuedBytes + frameLength > config.maxQueuedBytesPerShard()) {
            memory.release(frame);
            drop(DropReason.NO_MEMORY, disco);
            return;
        }
        final PacketQueue queue = disco ? dst.discoQueue : dst.dataQueue;
        if (queue.isFull() && dst.sink.isWritable()) {
            // Filled within this loop pass (one read can carry more frames than the queue holds): the socket takes
            // them now, so write them now rather than drop the queue's head at the end of the pass.
            counters.incrementOwned(RelayCounter.EARLY_WRITES);
            dst.writeQueued();
            if (dst.closed) {
                memory.release(frame);
                drop(DropReason.GONE_DISCONNECTED, disco);
                return;
            }
        }
        for (int attempt = 0; attempt < RelayConfig.SEND_ATTEMPTS; attempt++) {
            if (queue.offer(frame, frameLength)) {
                onQueued(frameLength, disco);
                if (pausesSenders && !disco && queue.size() >= queue.capacity() / 2 && !dst.sink.isWritable()) {
                    // Half full, not draining: senders pause now, so what is already on its way (another shard's
                    // mailbox, the rest of a read) still finds room.
                    dst.startBacklog();
                }
                if (source != null) { // null: a ForwardPacket to a mesh peer, which gets no PeerGone from us
                    dst.noteSource(source);
                }
                markDirty(dst);
                return;
            }
            if (pausesSenders && !disco) {
                dst.startBacklog(); // a sender not paused in time (another shard's, or one at its bound)
            }
            final Object oldest = queue.poll();
            if (oldest != null) {
                onDequeued(queue.polledLength(), disco);
                memory.release((F) oldest);
                drop(DropReason.QUEUE_HEAD, disco);
            }
        }
        memory.release(frame);
        drop(DropReason.QUEUE_TAIL, disco);
    }

    void onQueued(final int frameLength, final boolean disco) {
        queuedBytes += frameLength;
        gauges.addOwned(RelayGauge.QUEUED_BYTES, frameLength);
        gauges.incrementOwned(disco ? RelayGauge.QUEUED_DISCO_PACKETS : RelayGauge.QUEUED_DATA_PACKETS);
    }

    void onDequeued(final int frameLength, final boolean disco) {
        queuedBytes -= frameLength;
        gauges.addOwned(RelayGauge.QUEUED_BYTES, -frameLength);
        gauges.addOwned(disco ? RelayGauge.QUEUED_DISCO_PACKETS : RelayGauge.QUEUED_DATA_PACKETS, -1);
    }

    void drop(final DropReason reason, final boolean disco) {
        drops.increment(RelayDrop.of(reason, disco));
    }

    void release(final F frame) {
        memory.release(frame);
    }

    /** Any thread (racy): deliveries in this shard's mailbox, handed over by other shards and not yet queued. */
    long handoffsPending() {
        return mailbox.size();
    }

    /** Bytes of frames in this shard's client queues. */
    public long queuedBytes() {
        return queuedBytes;
    }

    // ---- PeerGone(Disconnected) bookkeeping (SPEC §3.4) ----

    /** {@code receiver} was queued a packet from {@code source} for the first time. */
    void noteReceiver(final RelayKey source, final RelayClient<F> receiver) {
        ArrayList<RelayClient<F>> receivers = receiversBySource.get(source);
        if (receivers == null) {
            receivers = new ArrayList<>(2);
            receiversBySource.put(source, receivers);
        }
        receivers.add(receiver);
    }

    /** A receiver closed: it needs no PeerGone any more. */
    void forgetReceiver(final RelayClient<F> receiver, final RelayKey source) {
        final ArrayList<RelayClient<F>> receivers = receiversBySource.get(source);
        if (receivers != null) {
            receivers.remove(receiver);
            if (receivers.isEmpty()) {
                receiversBySource.remove(source);
            }
        }
    }

    /** {@link #onPeerGone} for each key, in order: one command for a mesh peer's whole key table. */
    void onPeersGone(final List<RelayKey> gone) {
        for (int i = 0; i < gone.size(); i++) {
            onPeerGone(gone.get(i));
        }
    }

    /** The last connection of {@code gone} left the relay: every local client it sent to gets PeerGone. */
    void onPeerGone(final RelayKey gone) {
        final ArrayList<RelayClient<F>> receivers = receiversBySource.remove(gone);
        if (receivers == null) {
            return;
        }
        // Reconnected meanwhile, here or on a mesh peer: it is not gone after all.
        final boolean back = relay.lookup(gone) != null || relay.forwarderFor(gone) != null;
        for (int i = 0; i < receivers.size(); i++) {
            final RelayClient<F> r = receivers.get(i);
            r.forgetSource(gone);
            if (!r.closed && !back) {
                r.queuePeerGone(gone, io.derpring.internal.frame.PeerGoneFlyweight.REASON_DISCONNECTED);
            }
        }
    }

    // ---- passes, timers, commands ----

    /**
     * Any thread: runs {@code command} on this shard's thread during its next pass. False, counted, and nothing queued
     * when {@link RelayConfig#shardCommandCapacity()} commands are already waiting: the caller decides what losing the
     * command means.
     */
    boolean submit(final Runnable command) {
        if (commandsWaiting.incrementAndGet() > config.shardCommandCapacity()) {
            commandsWaiting.decrementAndGet();
            counters.increment(RelayCounter.SHARD_COMMANDS_REFUSED);
            return false;
        }
        commands.add(command);
        wakeFromOtherThread();
        return true;
    }

    /** Any thread: makes sure a pass will run soon; at most one wakeup is outstanding. */
    void wakeFromOtherThread() {
        // An atomic swap, not a plain read first: the read could be ordered before the mailbox publish that precedes
        // it (store-load), see a stale "pending" and skip the wakeup while the pass has already drained: a handoff
        // stranded in the mailbox, counted received, never delivered nor dropped.
        if (!wakePending.getAndSet(true)) {
            scheduler.wakeup();
        }
    }

    /** Any shard: {@code sender} paused behind a client of this shard; false when too many already are. */
    boolean offerPausedSender(final RelayClient<F> sender) {
        return pauseRequests.offer(sender);
    }

    /** Makes sure a pass runs (on this shard's thread). */
    void requestPass() {
        if (!passScheduled && !inPass) {
            passScheduled = true;
            scheduler.passRequested();
        }
    }

    /**
     * After the pass's writes: senders whose destination's backlog ended (drained, closed) are told to resume.
     * Entries whose pause already ended, or that paused again behind another shard's client, are forgotten.
     */
    private void resumePausedSenders() {
        for (RelayClient<F> s; (s = pauseRequests.poll()) != null; ) {
            pausedSenders.add(s);
        }
        for (int i = pausedSenders.size() - 1; i >= 0; i--) {
            final RelayClient<F> s = pausedSenders.get(i);
            final RelayClient<F> on = s.pausedOn;
            if (on != null && on.shard == this && on.backlogEpoch == s.pausedEpoch) {
                continue; // still backlogged
            }
            if (on != null && on.shard == this) {
                s.sink.resumeReading();
            }
            final RelayClient<F> last = pausedSenders.remove(pausedSenders.size() - 1);
            if (i < pausedSenders.size()) {
                pausedSenders.set(i, last);
            }
        }
    }

    /** {@code client} has something to write: it is written on this pass or the one requested now. */
    void markDirty(final RelayClient<F> client) {
        if (!client.dirty) {
            client.dirty = true;
            dirty.add(client);
        }
        requestPass();
    }

    /**
     * One pass on the shard's thread: commands, then the mailbox, then every dirty client written while writable and
     * flushed once. Returns the work done (0 = idle), as an Agrona duty cycle does.
     */
    public int runPass() {
        passScheduled = false;
        inPass = true;
        passes++;
        wakePending.getAndSet(false); // before draining, and reading the producers' swaps: a later handoff wakes us
        int work = 0;
        try {
            Runnable command;
            while ((command = commands.poll()) != null) {
                commandsWaiting.decrementAndGet();
                command.run();
                work++;
            }
            work += mailbox.drain(this, config.mailboxCapacity());
            for (int i = 0; i < dirty.size(); i++) { // may grow while writing: writability can return mid-pass
                final RelayClient<F> c = dirty.get(i);
                c.dirty = false;
                if (!c.closed) {
                    work += c.writeQueued();
                }
            }
            dirty.clear();
            if (pausesSenders) {
                resumePausedSenders();
            }
        } finally {
            inPass = false;
        }
        return work;
    }

    /**
     * Periodic housekeeping, called on the shard's thread by the transport's timer: KeepAlive when due (SPEC §3.6)
     * and the write deadline (a client whose sink stayed unwritable past it is closed and counted).
     */
    public void onTimer() {
        rescueStrandedHandoffs();
        final long nowNs = clock.nanoTime();
        for (int i = clients.size() - 1; i >= 0; i--) {
            if (i >= clients.size()) {
                continue;
            }
            clients.get(i).onTimer(nowNs);
        }
    }

    /**
     * The safety net under the wakeup protocol: handoffs that waited {@link #STRANDED_AFTER_NS} across timer ticks
     * with no pass in between get one now, counted. A single look cannot tell a lost wakeup from a pass that is on its
     * way (a queued wakeup task, a producer between its publish and its wakeup), so it takes two looks with no pass
     * between them.
     */
    private void rescueStrandedHandoffs() {
        if (mailbox.size() == 0) {
            handoffsSeenNs = NOT_WAITING;
            return;
        }
        final long nowNs = clock.nanoTime();
        if (handoffsSeenNs == NOT_WAITING || passes != passesWhenSeen) {
            handoffsSeenNs = nowNs;
            passesWhenSeen = passes;
        } else if (nowNs - handoffsSeenNs >= STRANDED_AFTER_NS) {
            counters.increment(RelayCounter.HANDOFFS_RESCUED);
            handoffsSeenNs = NOT_WAITING;
            runPass();
        }
    }

    /**
     * Shutdown on the shard's thread: closes every local client, counting what is still queued as
     * {@link DropReason#SHUTDOWN} (call {@link Relay#beginShutdown} first). Idempotent.
     */
    public void shutdown() {
        runPass();
        for (int i = clients.size() - 1; i >= 0; i--) {
            if (i >= clients.size()) {
                continue;
            }
            final RelayClient<F> c = clients.get(i);
            c.sink.close();
            c.close();
        }
        // Deliveries still in the mailbox find their clients closed and are released and counted.
        mailbox.drain(this, config.mailboxCapacity());
    }

    void removeLocal(final RelayClient<F> c) {
        final int i = c.localIndex;
        if (i < 0 || i >= clients.size() || clients.get(i) != c) {
            return;
        }
        final RelayClient<F> moved = clients.remove(clients.size() - 1);
        if (moved != c) {
            clients.set(i, moved);
            moved.localIndex = i;
        }
        c.localIndex = -1;
        if (c.meshLink != null) {
            return; // never counted as a registered connection
        }
        gauges.add(RelayGauge.CONNECTIONS, -1);
        counters.increment(RelayCounter.CONNECTIONS_UNREGISTERED);
    }

}
