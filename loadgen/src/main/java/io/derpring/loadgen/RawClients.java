package io.derpring.loadgen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.lmax.disruptor.EventHandler;
import io.derpring.engine.SendResult;
import io.derpring.internal.dataplane.DataplaneHandoff;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.derpmap.DerpNode;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.ring.FrameSlot;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.internal.ring.InboundRing;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.client.ClientCounter;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.derpring.transport.internal.client.DerpNodeConnection;
import io.derpring.transport.internal.client.DerpNodeListener;
import io.netty.channel.EventLoopGroup;
import org.agrona.DirectBuffer;

/**
 * Bare {@link DerpNodeConnection}s, two per pair, all on one event loop group. Everything received goes into one
 * small shared {@link InboundRing} whose route and disco stages do nothing, so its last stage hands each packet
 * straight to the {@link TrafficSink}: the transport and the ring, without the engine's region machinery.
 */
final class RawClients implements LoadClients {
    /** Enough slots to absorb a batch from every connection; a full ring pauses reading, it never drops. */
    static final int RING_SIZE = 1024;
    /**
     * Connections being dialled at once. A handshake costs an X25519 agreement on each side (jstack of a stalled
     * 10,000-connection dial: both event loops in BouncyCastle's scalarMult), so on a starved 2-core box they complete
     * at tens per second; all 2,000 of 1,000 pairs at once left the last past the client's 10 s connect budget
     * ({@link DerpClientSettings#DEFAULT_CONNECT_TIMEOUT_NS}). With this many in flight each handshake waits behind
     * at most this many others, and two cores are still kept busy.
     */
    static final int MAX_CONNECTS_IN_FLIGHT = 32;

    private static final EventHandler<FrameSlot> NO_STAGE = (slot, sequence, endOfBatch) -> { };

    private final Counters<ClientCounter> clientCounters = new Counters<>(ClientCounter.class);
    private final Counters<InboundCounter> ringCounters = new Counters<>(InboundCounter.class);
    private final InboundRing ring;
    private final DerpNodeConnection[] senders;
    private final DerpNodeConnection[] receivers;
    private final NodeKey[] senderKeys;
    private final NodeKey[] receiverKeys;

    RawClients(final PairState[] pairs, final List<RelayUrl> relays, final boolean tlsInsecure,
               final Transport transport, final EventLoopGroup group, final TrafficSink sink, final int sizeBytes,
               final RunKeys keys, final ConnectionEvents events) {
        final int n = pairs.length;
        final NodePrivateKey[] senderPrivate = new NodePrivateKey[n];
        final NodePrivateKey[] receiverPrivate = new NodePrivateKey[n];
        senderKeys = new NodeKey[n];
        receiverKeys = new NodeKey[n];
        final Netmap.Builder netmap = Netmap.builder();
        for (int p = 0; p < n; p++) {
            senderPrivate[p] = keys.nodeKey();
            receiverPrivate[p] = keys.nodeKey();
            senderKeys[p] = senderPrivate[p].publicKey();
            receiverKeys[p] = receiverPrivate[p].publicKey();
            // The ring admits only netmap members (SPEC §5.6): every node of the run is one.
            netmap.addPeer(senderKeys[p], null, pairs[p].regionId);
            netmap.addPeer(receiverKeys[p], null, pairs[p].receiverRegionId);
        }
        ring = new InboundRing(ringConfig(sizeBytes), new NetmapHolder(netmap.build()), ringCounters, NO_STAGE,
            NO_STAGE, new DataplaneHandoff(sink, ringCounters));
        senders = new DerpNodeConnection[n];
        receivers = new DerpNodeConnection[n];
        final DerpClientSettings settings = DerpClientSettings.defaults();
        for (int p = 0; p < n; p++) {
            final int region = pairs[p].regionId;
            final RelayUrl relay = relays.get(region - 1);
            final DerpNode node = relay.node(region, tlsInsecure);
            final DerpClientSettings relaySettings = relay.clientSettings(settings);
            senders[p] = connection(transport, group, node, relay, senderPrivate[p], region, relaySettings, events);
            final int theirs = pairs[p].receiverRegionId;
            final RelayUrl receiverRelay = relays.get(theirs - 1);
            receivers[p] = connection(transport, group, receiverRelay.node(theirs, tlsInsecure), receiverRelay,
                receiverPrivate[p], theirs, receiverRelay.clientSettings(settings), events);
        }
        sink.ackPath(this);
    }

    /**
     * The region (relay) of a pair's receiver: its sender's, or with {@code crossRelay} the next one round the list,
     * so that the pair's packets and acks both cross the mesh between two relays.
     */
    static int receiverRegion(final int senderRegion, final int relayCount, final boolean crossRelay) {
        return crossRelay ? senderRegion % relayCount + 1 : senderRegion;
    }

    NodeKey senderKey(final int pair) {
        return senderKeys[pair];
    }

    NodeKey receiverKey(final int pair) {
        return receiverKeys[pair];
    }

    static InboundRingConfig ringConfig(final int sizeBytes) {
        return InboundRingConfig.builder().ringSize(RING_SIZE)
            .slotCapacity(Math.max(InboundRingConfig.MIN_SLOT_CAPACITY, sizeBytes)).spillBuffers(0).build();
    }

    private DerpNodeConnection connection(final Transport transport, final EventLoopGroup group, final DerpNode node,
                                          final RelayUrl relay, final NodePrivateKey key, final int region,
                                          final DerpClientSettings settings, final ConnectionEvents events) {
        return DerpNodeConnection.builder().transport(transport, group).node(node)
            .security(relay.securityOverride()).privateKey(key).ring(ring, region).settings(settings)
            .counters(clientCounters).listener(new Watched(events.place().link())).build();
    }

    /** A bare connection is used once: its own place, so it never counts a reconnect. */
    private static final class Watched implements DerpNodeListener {
        private final ConnectionEvents.Link link;

        Watched(final ConnectionEvents.Link link) {
            this.link = link;
        }

        @Override
        public void onConnected(final DerpNodeConnection connection, final ServerInfo serverInfo) {
            link.connected();
        }

        @Override
        public void onClosed(final DerpNodeConnection connection, final Throwable cause) {
            link.closed(cause);
        }
    }

    @Override
    public void connect(final long timeoutNs) throws InterruptedException {
        ring.start();
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final CompletableFuture<?>[] all = new CompletableFuture<?>[senders.length * 2];
        final Semaphore dialling = new Semaphore(MAX_CONNECTS_IN_FLIGHT);
        for (int i = 0; i < all.length; i++) {
            if (!dialling.tryAcquire(deadlineNs - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("DERP clients did not all connect within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms (" + i + " of " + all.length + " dialled)");
            }
            final DerpNodeConnection c = i % 2 == 0 ? senders[i / 2] : receivers[i / 2];
            all[i] = c.connect().whenComplete((ok, failed) -> dialling.release());
        }
        try {
            CompletableFuture.allOf(all).get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("a DERP client could not connect: " + e.getCause().getMessage(),
                e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("DERP clients did not all connect within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
        }
    }

    @Override
    public SendResult sendData(final int pair, final DirectBuffer packet, final int length) {
        return senders[pair].send(receiverKeys[pair], packet, 0, length);
    }

    @Override
    public SendResult sendAck(final int pair, final DirectBuffer ack, final int length) {
        return receivers[pair].send(senderKeys[pair], ack, 0, length);
    }

    @Override
    public long queuedPackets() {
        long sum = ring.slotsInUse();
        for (int p = 0; p < senders.length; p++) {
            sum += senders[p].queuedPackets() + receivers[p].queuedPackets();
        }
        return sum;
    }

    @Override
    public Map<String, Long> drops() {
        final Map<String, Long> out = new LinkedHashMap<>();
        ClientDropTally.add(out, "connection.", clientCounters, ClientDropTally.CONNECTION);
        ClientDropTally.add(out, "ring.", ringCounters, ClientDropTally.RING);
        return out;
    }

    @Override
    public boolean allConnected() {
        for (int p = 0; p < senders.length; p++) {
            if (!senders[p].isConnected() || !receivers[p].isConnected()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Counters<ClientCounter> clientCounters() {
        return clientCounters;
    }

    @Override
    public void close() {
        for (int p = 0; p < senders.length; p++) {
            senders[p].close();
            receivers[p].close();
        }
        for (int p = 0; p < senders.length; p++) {
            awaitClosed(senders[p]);
            awaitClosed(receivers[p]);
        }
        ring.close();
    }

    private static void awaitClosed(final DerpNodeConnection c) {
        try {
            c.closeFuture().get(2, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException e) {
            // Closing is best effort at the end of a run; the event loop group's shutdown follows.
        }
    }
}
