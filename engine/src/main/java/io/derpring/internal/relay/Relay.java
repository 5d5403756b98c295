package io.derpring.internal.relay;

import io.derpring.relay.AdmissionDecision;
import io.derpring.relay.DuplicatePolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.internal.frame.PeerPresentFlyweight;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The relay as a whole: the registry of connected keys, the shards, mesh watchers and the counters summed over
 * shards. Thread-safe. The per-packet lookup ({@link #lookup}) is a lock-free {@code ConcurrentHashMap} read of the
 * key's {@link ClientSet} and a volatile read of its active connection; everything that locks is per key and off the
 * packet path (SPEC §3.2 lookupDest, §3.4, §3.5).
 *
 * @param <F> the transport's frame handle (see {@link FrameMemory})
 */
public final class Relay<F> {
    private final RelayConfig config;
    private final FrameMemory<F> memory;
    private final NodeKey serverKey;
    private final ConcurrentHashMap<RelayKey, ClientSet<F>> clients = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<RelayShard<F>> shards = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<RelayClient<F>> watchers = new CopyOnWriteArrayList<>();
    /** Keys on mesh peers (Go {@code clientsMesh}): each key's peers in the order they reported it. */
    private final ConcurrentHashMap<RelayKey, MeshPeer<F>[]> forwarders = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<MeshPeer<F>> meshPeers = new CopyOnWriteArrayList<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Counters<AdmissionDecision> admissions = new Counters<>(AdmissionDecision.class);
    private volatile boolean shuttingDown;

    /**
     * @param serverKey this server's public key: a mesh peer presenting it is this server itself and is not added
     *                  as a watcher (Go {@code addWatcher}); may be null
     */
    public Relay(final RelayConfig config, final FrameMemory<F> memory, final NodeKey serverKey) {
        this.config = config;
        this.memory = memory;
        this.serverKey = serverKey;
    }

    /** Adds a shard driven by {@code scheduler}; call once per event loop before clients connect. */
    public RelayShard<F> addShard(final ShardScheduler scheduler) {
        final RelayShard<F> shard = new RelayShard<>(this, shards.size(), scheduler);
        shards.add(shard);
        return shard;
    }

    public List<RelayShard<F>> shards() {
        return List.copyOf(shards);
    }

    public RelayConfig config() {
        return config;
    }

    FrameMemory<F> memory() {
        return memory;
    }

    /**
     * SPEC §3.8 / B31: a client is a mesh peer iff its ClientInfo {@code meshKey} equals the server's mesh key
     * (constant time; a zero key never matches, and a server without a mesh key has no mesh peers).
     */
    public boolean isMeshPeer(final ClientInfo info) {
        return meshKeyMatches(config.meshKey(), info.meshKey());
    }

    /** The admission rule of {@link #isMeshPeer} on two keys, either of which may be null. */
    public static boolean meshKeyMatches(final MeshKey serverMeshKey, final MeshKey presented) {
        return serverMeshKey != null && presented != null && serverMeshKey.sameKeyAs(presented);
    }

    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    /** Lock-free: the key's connections, or null. */
    ClientSet<F> lookup(final RelayKey key) {
        return clients.get(key);
    }

    /** True when {@code key} has at least one connection here. */
    public boolean isConnected(final NodeKey key) {
        return clients.containsKey(RelayKey.of(key));
    }

    /** Number of connected keys (duplicates count once). */
    public int keyCount() {
        return clients.size();
    }

    // ---- registration (SPEC §3.5 registerClient / unregisterClient) ----

    /** Adds {@code c} to its key's set; the newest connection becomes the active one. */
    void register(final RelayClient<F> c) {
        for (;;) {
            final ClientSet<F> set = clients.computeIfAbsent(c.relayKey, ClientSet::new);
            synchronized (set) {
                if (set.removed) {
                    continue;
                }
                c.set = set;
                set.connections.add(c);
                set.size = set.connections.size();
                if (set.size > 1) {
                    for (int i = 0; i < set.connections.size(); i++) {
                        set.connections.get(i).duplicate = true;
                    }
                    if (config.duplicatePolicy() == DuplicatePolicy.DISABLE_FIGHTERS) {
                        if (set.sendHistory == null) {
                            set.sendHistory = new ArrayList<>();
                            set.sendHistory.add(set.connections.get(0));
                        } else {
                            set.sendHistory.add(c);
                        }
                    }
                    set.last = c;
                    c.shard.counters.increment(RelayCounter.DUPLICATE_CONNECTIONS);
                }
                set.active = c;
                break;
            }
        }
        notifyWatchersPresent(c);
    }

    /** Removes {@code c}; when it was the key's last connection, tells its receivers and the watchers it is gone. */
    void unregister(final RelayClient<F> c) {
        final ClientSet<F> set = c.set;
        if (set == null) {
            return;
        }
        boolean lastConnection = false;
        synchronized (set) {
            if (!set.connections.remove(c)) {
                return;
            }
            set.size = set.connections.size();
            if (set.active == c) {
                set.active = null;
            }
            if (set.connections.isEmpty()) {
                set.removed = true;
                clients.remove(set.key, set);
                lastConnection = true;
            } else {
                if (set.last == c) {
                    set.last = null;
                }
                if (set.sendHistory != null) {
                    set.sendHistory.removeIf(x -> x == c);
                }
                if (set.connections.size() == 1) {
                    // Go: down to one connection, it is a normal client again, re-enabled if it was disabled.
                    final RelayClient<F> remaining = set.connections.get(0);
                    remaining.duplicate = false;
                    remaining.disabled = false;
                    set.sendHistory = null;
                    set.last = null;
                    set.active = remaining;
                }
            }
        }
        if (c.watcher) {
            watchers.remove(c);
        }
        if (lastConnection) {
            // SPEC §3.4: only when the key's last connection goes, never on 2 -> 1 (Go issue 13566).
            final RelayKey gone = c.relayKey;
            for (final RelayShard<F> shard : shards) {
                shard.submit(() -> shard.onPeerGone(gone)); // refused: a PeerGone hint lost, counted by the shard
            }
            notifyWatchersGone(c);
        }
    }

    /** SPEC §3.5 noteClientActivity: a duplicate spoke. Called on {@code c}'s shard for every frame it sends. */
    void noteActivity(final RelayClient<F> c) {
        final ClientSet<F> set = c.set;
        synchronized (set) {
            if (set.connections.size() < 2 || c.disabled) {
                return;
            }
            if (config.duplicatePolicy() == DuplicatePolicy.LAST_WRITER_IS_ACTIVE) {
                set.last = c;
                set.active = c;
                return;
            }
            if (set.last == null) {
                set.last = c;
                set.active = c;
            }
            final ArrayList<RelayClient<F>> history = set.sendHistory;
            if (!history.isEmpty() && history.get(history.size() - 1) == c) {
                return; // repeating itself: not a fight
            }
            final boolean spokeBefore = history.contains(c);
            history.add(c);
            if (spokeBefore) {
                // Two connections taking turns: two machines share one key. Nobody gets the key's packets.
                for (int i = 0; i < set.connections.size(); i++) {
                    set.connections.get(i).disabled = true;
                }
                set.active = null;
                c.shard.counters.increment(RelayCounter.DUPLICATE_FIGHTS);
            }
        }
    }

    /** The connections of {@code key} (a copy; allocates). */
    List<RelayClient<F>> connectionsOf(final RelayKey key) {
        final ClientSet<F> set = clients.get(key);
        if (set == null) {
            return List.of();
        }
        synchronized (set) {
            return new ArrayList<>(set.connections);
        }
    }

    /** SPEC §3.9 ClosePeer: closes every local connection of {@code key}, each on its own shard. */
    void closePeer(final RelayKey key) {
        for (final RelayClient<F> c : connectionsOf(key)) {
            c.shard.submit(c::closeByMeshPeer); // refused: counted; the peer's next ClosePeer may get through
        }
    }

    // ---- mesh forwarding (SPEC §3.2 lookupDest, §3.9) ----

    /** A peer server this relay will watch; its keys become forwarders as it reports them. */
    public MeshPeer<F> addMeshPeer(final String name) {
        final MeshPeer<F> peer = new MeshPeer<>(this, name, config.maxKeysPerMeshPeer());
        meshPeers.add(peer);
        return peer;
    }

    public List<MeshPeer<F>> meshPeers() {
        return List.copyOf(meshPeers);
    }

    /**
     * Lock-free: the peer to forward packets for {@code key} to, or null. With several, the one that reported the key
     * first (Go {@code multiForwarder}): a key seen on two peers is usually a client moving between them, and the
     * older route keeps working until its peer says it left.
     */
    MeshPeer<F> forwarderFor(final RelayKey key) {
        final MeshPeer<F>[] peers = forwarders.get(key);
        return peers == null ? null : peers[0];
    }

    /** True when a mesh peer reported {@code key} present. */
    public boolean isOnMeshPeer(final NodeKey key) {
        return forwarders.containsKey(RelayKey.of(key));
    }

    @SuppressWarnings("unchecked")
    void addForwarder(final RelayKey key, final MeshPeer<F> peer) {
        forwarders.compute(key, (k, peers) -> {
            if (peers == null) {
                return (MeshPeer<F>[]) new MeshPeer<?>[] {peer};
            }
            for (final MeshPeer<F> p : peers) {
                if (p == peer) {
                    return peers;
                }
            }
            final MeshPeer<F>[] more = java.util.Arrays.copyOf(peers, peers.length + 1);
            more[peers.length] = peer;
            return more;
        });
    }

    /**
     * {@code peer} no longer has {@code key}. When no peer has it and it is not connected here either, the local
     * clients it sent packets to get PeerGone(Disconnected), as for a local client leaving (Go
     * {@code RemovePacketForwarder} then {@code notePeerGoneFromRegionLocked}).
     */
    void removeForwarder(final RelayKey key, final MeshPeer<F> peer) {
        if (forgetForwarder(key, peer)) {
            for (final RelayShard<F> shard : shards) {
                shard.submit(() -> shard.onPeerGone(key));
            }
        }
    }

    /**
     * {@link #removeForwarder} for many keys of {@code peer} at once (its link broke or was replaced): each shard gets
     * ONE command carrying the keys now gone everywhere, not one per key, so a peer with
     * {@link RelayConfig#maxKeysPerMeshPeer()} keys puts O(shards) entries on the command queues, not keys x shards.
     * The order within the batch is the list's; each key is still checked for a comeback when its notice runs.
     */
    void removeForwarders(final List<RelayKey> keys, final MeshPeer<F> peer) {
        final ArrayList<RelayKey> gone = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            final RelayKey key = keys.get(i);
            if (forgetForwarder(key, peer)) {
                gone.add(key);
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        for (final RelayShard<F> shard : shards) {
            shard.submit(() -> shard.onPeersGone(gone));
        }
    }

    /** Removes {@code peer} from {@code key}'s forwarders; true when no peer has it and it is not connected here. */
    @SuppressWarnings("unchecked")
    private boolean forgetForwarder(final RelayKey key, final MeshPeer<F> peer) {
        final MeshPeer<F>[] left = forwarders.computeIfPresent(key, (k, peers) -> {
            int at = -1;
            for (int i = 0; i < peers.length; i++) {
                if (peers[i] == peer) {
                    at = i;
                }
            }
            if (at < 0) {
                return peers;
            }
            if (peers.length == 1) {
                return null;
            }
            final MeshPeer<F>[] fewer = (MeshPeer<F>[]) new MeshPeer<?>[peers.length - 1];
            System.arraycopy(peers, 0, fewer, 0, at);
            System.arraycopy(peers, at + 1, fewer, at, peers.length - at - 1);
            return fewer;
        });
        return left == null && clients.get(key) == null;
    }

    // ---- mesh watchers (SPEC §3.4, §3.9) ----

    /**
     * WatchConns, on {@code watcher}'s shard thread: {@code watcher} gets PeerPresent for every connected key now, then
     * live updates. The dump is queued right here, not posted as one command per key: no command-queue burst, and a
     * key that leaves while the dump is read has its live PeerGone queued after its PeerPresent, never before.
     */
    void addWatcher(final RelayClient<F> watcher) {
        if (serverKey != null && serverKey.equals(watcher.key)) {
            return; // Go addWatcher: a mesh client connected to itself is ignored
        }
        if (watcher.watcher) {
            return;
        }
        watcher.watcher = true;
        watchers.add(watcher);
        for (final ClientSet<F> set : clients.values()) {
            final RelayClient<F> c = set.active;
            if (c != null && !watcher.queueMeshFrame(peerPresentFrame(c))) {
                return; // closed: the dump overflowed its queue
            }
        }
    }

    private void notifyWatchersPresent(final RelayClient<F> c) {
        if (watchers.isEmpty()) {
            return;
        }
        final byte[] frame = peerPresentFrame(c);
        for (final RelayClient<F> w : watchers) {
            postMeshFrame(w, frame);
        }
    }

    private void notifyWatchersGone(final RelayClient<F> c) {
        if (watchers.isEmpty()) {
            return;
        }
        final byte[] frame = new byte[PeerGoneFlyweight.PAYLOAD_LENGTH + 5];
        PeerGoneFlyweight.encode(new UnsafeBuffer(frame), 0, c.key, PeerGoneFlyweight.REASON_DISCONNECTED);
        for (final RelayClient<F> w : watchers) {
            postMeshFrame(w, frame);
        }
    }

    /** A refused update is not dropped: the watcher would keep a wrong key table, so it is closed instead. */
    private static <F> void postMeshFrame(final RelayClient<F> watcher, final byte[] frame) {
        if (!watcher.shard.submit(() -> watcher.queueMeshFrame(frame))) {
            watcher.loseMeshUpdate();
        }
    }

    /** PeerPresent with endpoint and flags (Go {@code presentFlags}) when the address is known, else key-only. */
    private static byte[] peerPresentFrame(final RelayClient<?> c) {
        final byte[] frame = new byte[5 + PeerPresentFlyweight.WITH_FLAGS_LENGTH];
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        if (c.remote == null || c.remote.getAddress() == null) {
            final int n = PeerPresentFlyweight.encode(b, 0, c.key);
            return java.util.Arrays.copyOf(frame, n);
        }
        int flags = 0;
        if (c.prober) {
            flags |= PeerPresentFlyweight.FLAG_IS_PROBER;
        }
        if (c.meshPeer) {
            flags |= PeerPresentFlyweight.FLAG_IS_MESH_PEER;
        }
        if (flags == 0) {
            flags = PeerPresentFlyweight.FLAG_IS_REGULAR;
        }
        PeerPresentFlyweight.encodeWithSocketAddress(b, 0, c.key, c.remote, flags);
        return frame;
    }

    // ---- lifecycle and counters ----

    /** From now on, packets still queued when their connection closes count as {@link DropReason#SHUTDOWN}. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    public long counter(final RelayCounter c) {
        long sum = 0;
        for (final RelayShard<F> s : shards) {
            sum += s.counters.get(c);
        }
        return sum;
    }

    /** Admission outcomes (SPEC §3.8), mesh peers as {@code MESH_PEER}; counted only when an admission chain is set. */
    public long admissions(final AdmissionDecision d) {
        return admissions.get(d);
    }

    void countAdmission(final AdmissionDecision d) {
        admissions.increment(d);
    }

    public long drops(final RelayDrop d) {
        long sum = 0;
        for (final RelayShard<F> s : shards) {
            sum += s.drops.get(d);
        }
        return sum;
    }

    /** Both kinds of one reason. */
    public long drops(final DropReason reason) {
        return drops(RelayDrop.of(reason, true)) + drops(RelayDrop.of(reason, false));
    }

    public long gauge(final RelayGauge g) {
        long sum = 0;
        for (final RelayShard<F> s : shards) {
            sum += g == RelayGauge.HANDOFFS_PENDING ? s.handoffsPending() : s.gauges.get(g);
        }
        return sum;
    }

    /** Every counter, drop and gauge by label-ordered enum; allocates (scrapes and tests). */
    public Snapshot snapshot() {
        final Map<RelayCounter, Long> counters = new LinkedHashMap<>();
        for (final RelayCounter c : RelayCounter.values()) {
            counters.put(c, counter(c));
        }
        final Map<RelayDrop, Long> drops = new LinkedHashMap<>();
        for (final RelayDrop d : RelayDrop.values()) {
            drops.put(d, drops(d));
        }
        final Map<RelayGauge, Long> gauges = new LinkedHashMap<>();
        for (final RelayGauge g : RelayGauge.values()) {
            gauges.put(g, gauge(g));
        }
        return new Snapshot(counters, drops, gauges, keyCount());
    }

    /** A point-in-time copy of the relay's numbers. */
    public record Snapshot(Map<RelayCounter, Long> counters, Map<RelayDrop, Long> drops, Map<RelayGauge, Long> gauges,
                           int connectedKeys) {
        public long counter(final RelayCounter c) {
            return counters.get(c);
        }

        public long drop(final RelayDrop d) {
            return drops.get(d);
        }

        public long drops(final DropReason reason) {
            return drops.get(RelayDrop.of(reason, true)) + drops.get(RelayDrop.of(reason, false));
        }

        public long gauge(final RelayGauge g) {
            return gauges.get(g);
        }
    }
}
