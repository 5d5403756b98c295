package io.derpring.loadgen;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The live numbers of one run, summed over pairs on demand (progress, drain, report): the readers' view of state
 * that the sender and receiving threads write. Drop counters are read relative to their values when sending began.
 */
final class LoadRun {
    private final PairState[] pairs;
    private final LatencyRecorder latency;
    private final AtomicLong corrupted;
    private final RelayDrops relayDrops;
    private final int sizeBytes;
    private volatile LoadClients clients;
    private volatile long relayDropsBaseline;
    private volatile Map<String, Long> clientDropsBaseline = Map.of();
    private volatile long writtenBaseline;
    private volatile long readBaseline;
    private volatile long connectionsLostBaseline;
    private volatile long relayReceivedBaseline;
    private volatile long relayForwardedBaseline;
    private volatile long startNs;
    private volatile long measureStartNs;
    private volatile long endNs;

    LoadRun(final PairState[] pairs, final LatencyRecorder latency, final AtomicLong corrupted,
            final RelayDrops relayDrops, final int sizeBytes) {
        this.pairs = pairs;
        this.latency = latency;
        this.corrupted = corrupted;
        this.relayDrops = relayDrops;
        this.sizeBytes = sizeBytes;
    }

    /** Connected clients; drop counters from now on are the run's. */
    void begin(final LoadClients c, final long start, final long measureStart, final long end) {
        clients = c;
        relayDropsBaseline = relayDrops.total();
        clientDropsBaseline = new HashMap<>(c.drops());
        writtenBaseline = c.packetsWritten();
        readBaseline = c.packetsRead();
        connectionsLostBaseline = c.connectionsLost();
        relayReceivedBaseline = relayDrops.packetsReceived();
        relayForwardedBaseline = relayDrops.packetsForwarded();
        startNs = start;
        measureStartNs = measureStart;
        endNs = end;
    }

    long sent() {
        return sum(p -> p.sent.get());
    }

    long received() {
        return sum(p -> p.received.get());
    }

    /** Data packets received per region id (ascending). */
    Map<Integer, Long> receivedByRegion() {
        final Map<Integer, Long> out = new java.util.TreeMap<>();
        for (final PairState p : pairs) {
            out.merge(p.regionId, p.received.get(), Long::sum);
        }
        return out;
    }

    /** Data packets received per region id they arrived over (ascending; regions with none left out). */
    Map<Integer, Long> receivedByArrivalRegion() {
        final Map<Integer, Long> out = new java.util.TreeMap<>();
        for (final PairState p : pairs) {
            for (int r = 1; r < p.receivedOnRegion.length(); r++) {
                final long n = p.receivedOnRegion.get(r);
                if (n != 0) {
                    out.merge(r, n, Long::sum);
                }
            }
        }
        return out;
    }

    /** Pairs whose receiver got at least one data packet: with many pairs, proof that none was starved. */
    int pairsDelivering() {
        int n = 0;
        for (final PairState p : pairs) {
            n += p.received.get() > 0 ? 1 : 0;
        }
        return n;
    }

    long measuredReceived() {
        return sum(p -> p.measuredReceived.get());
    }

    long duplicated() {
        return sum(p -> p.duplicated.get());
    }

    long reordered() {
        return sum(p -> p.reordered.get());
    }

    long acksSent() {
        return sum(p -> p.acksSent.get());
    }

    long acksReceived() {
        return sum(p -> p.acksReceived.get());
    }

    long backPressuredRetries() {
        return sum(p -> p.backPressuredRetries.get());
    }

    long windowStalls() {
        return sum(p -> p.windowStalls.get());
    }

    long corrupted() {
        return corrupted.get();
    }

    /** Relay drops since the run began (scrapes an external relay's metrics: not for every second). */
    long relayDrops() {
        return relayDrops.total() - relayDropsBaseline;
    }

    /** Relay drops if they can be read cheaply now, else -1. */
    long liveRelayDrops() {
        return relayDrops.live() ? relayDrops() : -1;
    }

    boolean relayDropsKnown() {
        return relayDrops.known();
    }

    /** Client drops since the run began, by counter (non-zero only). */
    Map<String, Long> clientDropsDetail() {
        final Map<String, Long> now = clients.drops();
        final Map<String, Long> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Long> e : now.entrySet()) {
            final long delta = e.getValue() - clientDropsBaseline.getOrDefault(e.getKey(), 0L);
            if (delta != 0) {
                out.put(e.getKey(), delta);
            }
        }
        return out;
    }

    long clientDrops() {
        return ClientDropTally.sum(clientDropsDetail());
    }

    /** Connections of our clients that closed or failed since the run began. */
    long connectionsLost() {
        return clients.connectionsLost() - connectionsLostBaseline;
    }

    /** True when the relays' packet counters can be read (embedded relays): lost in transit can be measured. */
    boolean transitKnown() {
        return relayDrops.packetsReceived() >= 0;
    }

    /** Packets our clients wrote that the relays never read, since the run began. */
    long lostClientToRelay() {
        return (clients.packetsWritten() - writtenBaseline) - (relayDrops.packetsReceived() - relayReceivedBaseline);
    }

    /** RecvPackets the relays wrote that our clients never read, since the run began. */
    long lostRelayToClient() {
        return (relayDrops.packetsForwarded() - relayForwardedBaseline) - (clients.packetsRead() - readBaseline);
    }

    /**
     * Packets lost in transit: written to a connection by one end (client or relay) and never read by the other,
     * measured by both ends' own counters. Only a connection that dies loses packets this way, so it is credited only
     * when at least one connection was lost in the run; otherwise (and for external relays, whose packet counters we
     * don't read) it is 0 and any such gap stays unexplained. Read after the drain, which ends on 300 ms of quiet: a
     * packet still moving on a live connection lands first instead of being taken for lost. One bound this cannot
     * give: it does not prove each lost packet was on the connection that died, only that both ends disagree by it.
     */
    long lostInTransit() {
        if (!transitKnown() || connectionsLost() == 0) {
            return 0;
        }
        return lostClientToRelay() + lostRelayToClient();
    }

    /**
     * Packets (data and acks) neither received nor explained by a drop counter or as lost in transit: what is still
     * in flight during the drain, and the unexplained loss after it. {@code relayDrops} is passed in so a caller
     * reads it once.
     */
    long unaccounted(final long relayDropsNow) {
        return shortfall(relayDropsNow) - lostInTransit();
    }

    /**
     * Packets neither received nor dropped on purpose. The drain waits for this to reach 0 (or for quiet): a packet
     * still in flight on a live connection looks lost in transit until it lands.
     */
    long shortfall(final long relayDropsNow) {
        return sent() + acksSent() - received() - acksReceived() - corrupted() - relayDropsNow - clientDrops();
    }

    LatencyRecorder latency() {
        return latency;
    }

    int sizeBytes() {
        return sizeBytes;
    }

    double elapsedS(final long nowNs) {
        return (nowNs - startNs) / 1e9;
    }

    String phase(final long nowNs) {
        return nowNs - measureStartNs < 0 ? "warmup" : nowNs - endNs < 0 ? "measure" : "drain";
    }

    private long sum(final ToLongFunction<PairState> f) {
        long s = 0;
        for (final PairState p : pairs) {
            s += f.applyAsLong(p);
        }
        return s;
    }
}
