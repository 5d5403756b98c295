package io.derpring.internal.relay;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.collections.ObjectHashSet;

/**
 * Another server of the region that this relay watches (SPEC §3.9; Go derper {@code --mesh-with}): the keys it
 * reported present, and the current outgoing connection ({@link #link}) that packets for them are forwarded on.
 *
 * <p>The peer outlives its connections, its keys do not. When the watch connection breaks, every key it taught is
 * forgotten at once (Go {@code RunWatchConnectionLoop} removes them with the made-up reason
 * {@code PeerGoneReasonMeshConnBroke}, counted here in {@link #keysForgottenOnBreak()}): packets for them are then an
 * unknown destination, and local clients that heard from them get PeerGone(Disconnected), as for a local client
 * leaving. The next connection's PeerPresent flood teaches them again. Only a packet that looked its destination up in
 * the instant between the break and the forgetting finds the link gone, and is dropped as
 * {@link DropReason#MESH_PEER_UNAVAILABLE}.
 *
 * <p>Key bookkeeping runs on the link's loop and takes this object's lock; the packet path only reads {@link #link}.
 */
public final class MeshPeer<F> {
    private final Relay<F> relay;
    private final String name;
    private final ObjectHashSet<RelayKey> keys = new ObjectHashSet<>();
    private volatile RelayClient<F> link;
    private volatile boolean self;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong droppedUnavailable = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong keysRefused = new AtomicLong();
    private final AtomicLong keysForgottenOnBreak = new AtomicLong();
    private final int maxKeys;
    /** Written only by the link's shard thread. */
    private final AtomicLong forwarded = new AtomicLong();

    MeshPeer(final Relay<F> relay, final String name, final int maxKeys) {
        this.relay = relay;
        this.name = name;
        this.maxKeys = maxKeys;
    }

    /** The operator's name for the peer (its host), used as a metric label: one per configured peer. */
    public String name() {
        return name;
    }

    /** True while a watch connection to the peer is established. */
    public boolean isConnected() {
        return link != null;
    }

    /**
     * The peer answered with this server's own key: it is this server (the region's list names every relay, this one
     * included) and is not watched (Go {@code RunWatchConnectionLoop}).
     */
    public void markSelf() {
        self = true;
    }

    public boolean isSelf() {
        return self;
    }

    /** Completed watch connections so far (1 + reconnects). */
    public long connects() {
        return connects.get();
    }

    /** Dials, handshakes or connections that failed with an error (refused, TLS, not a DERP server, timeout, ...). */
    public long connectFailures() {
        return connectFailures.get();
    }

    /** A dial or handshake to the peer failed. */
    public void countConnectFailure() {
        connectFailures.incrementAndGet();
    }

    /** Packets written to this peer as ForwardPacket. */
    public long packetsForwarded() {
        return forwarded.get();
    }

    /** Packets for this peer's keys dropped because its connection was down. */
    public long packetsDroppedUnavailable() {
        return droppedUnavailable.get();
    }

    /** Keys the peer currently reports present. */
    public synchronized int keyCount() {
        return keys.size();
    }

    /**
     * A new watch connection finished its handshake: whatever the previous connection taught is forgotten (the peer
     * floods PeerPresent for every key it has again), then packets go out on {@code newLink}.
     */
    public void linkUp(final RelayClient<F> newLink) {
        forgetAll();
        link = newLink;
        connects.incrementAndGet();
    }

    /**
     * The watch connection {@code oldLink} ended: its keys are forgotten now (Go's MeshConnBroke), not kept to be
     * dropped at a dead link until a new connection relearns them. A stale call for an already replaced link is
     * ignored.
     */
    public void linkDown(final RelayClient<F> oldLink) {
        if (link == oldLink) {
            link = null;
            keysForgottenOnBreak.addAndGet(forgetAll());
        }
    }

    /** Keys forgotten because the watch connection broke (Go {@code PeerGoneReasonMeshConnBroke}). */
    public long keysForgottenOnBreak() {
        return keysForgottenOnBreak.get();
    }

    /** The peer is no longer watched at all (shutdown): its keys are forgotten. */
    public void close() {
        link = null;
        forgetAll();
    }

    /**
     * PeerPresent from the peer: packets for {@code key} may be forwarded to it. A new key beyond
     * {@link RelayConfig#maxKeysPerMeshPeer()} is refused and counted ({@link #keysRefused()}): packets for it are then
     * dropped as an unknown destination rather than the table growing without end.
     */
    public void onPeerPresent(final RelayKey key) {
        final boolean added;
        synchronized (this) {
            if (keys.size() >= maxKeys && !keys.contains(key)) {
                keysRefused.incrementAndGet();
                return;
            }
            added = keys.add(key);
        }
        if (added) {
            relay.addForwarder(key, this);
        }
    }

    /** PeerPresent frames refused because the peer already had {@link RelayConfig#maxKeysPerMeshPeer()} keys. */
    public long keysRefused() {
        return keysRefused.get();
    }

    /** PeerGone from the peer: it no longer has {@code key}. */
    public void onPeerGone(final RelayKey key) {
        final boolean removed;
        synchronized (this) {
            removed = keys.remove(key);
        }
        if (removed) {
            relay.removeForwarder(key, this);
        }
    }

    /**
     * Forgets every key; returns how many there were. The keys are copied once and their PeerGone notices go to each
     * shard as one batch ({@link Relay#removeForwarders}), not one command per key and shard.
     */
    private int forgetAll() {
        final ArrayList<RelayKey> gone;
        synchronized (this) {
            gone = new ArrayList<>(keys);
            keys.clear();
        }
        relay.removeForwarders(gone, this);
        return gone.size();
    }

    RelayClient<F> link() {
        return link;
    }

    void countForwarded() {
        forwarded.incrementAndGet();
    }

    void countUnavailable() {
        droppedUnavailable.incrementAndGet();
    }

    @Override
    public String toString() {
        return "MeshPeer{" + name + "}";
    }
}
