package io.derpring.netmap;

import io.derpring.internal.netmap.NetmapHolder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.collections.Object2IntHashMap;

import io.derpring.keys.DiscoKey;
import io.derpring.keys.NodeKey;

/**
 * An immutable snapshot of the network map's peers: each node key gets a small dense peer id {@code 0..size()-1},
 * and each peer has a disco key (or none) and a netmap home DERP region (or {@link #NO_REGION}).
 *
 * <p><b>Peer ids are stable only within one snapshot.</b> The next snapshot numbers its peers afresh, so an id must
 * never be kept across a swap (see {@link NetmapHolder}); keep the {@link NodeKey} instead and look it up again.
 *
 * <p>Hot-path lookups ({@link #peerIdOf(DirectBuffer, int)}, {@link #peerIdOfDisco(DirectBuffer, int)}) read key
 * bytes in place and allocate nothing: an open-addressing table keyed by the key's first 8 bytes, confirmed with
 * {@code matches} on all 32. Used for SPEC §5.4 (routes learned only for netmap peers), §5.5 (netmap home region),
 * §5.6 (drop RecvPacket from keys not in the netmap; bind a CallMeMaybe's disco key to the relaying node).
 * Thread rule: immutable, safe to read from any thread once published.
 */
public final class Netmap {
    /** Returned by lookups for a key that is not in this snapshot. */
    public static final int NO_PEER = -1;
    /** Home region of a peer without one; DERP region IDs are positive (SPEC §5.10), as Go's 0 = "no home DERP". */
    public static final int NO_REGION = 0;
    /** Most peers in one snapshot; derpring choice (large tailnets have ~10^4 nodes): tables stay below ~40 MiB. */
    public static final int MAX_PEERS = 1 << 20;
    /** A netmap with no peers. */
    public static final Netmap EMPTY = builder().build();

    private final NodeKey[] nodeKeys;
    private final DiscoKey[] discoKeys;
    private final int[] homeRegions;
    private final KeyTable nodeTable;
    private final KeyTable discoTable;
    private final Object2IntHashMap<NodeKey> byNodeKey;

    private Netmap(final NodeKey[] nodeKeys, final DiscoKey[] discoKeys, final int[] homeRegions) {
        this.nodeKeys = nodeKeys;
        this.discoKeys = discoKeys;
        this.homeRegions = homeRegions;
        this.nodeTable = new KeyTable(nodeKeys, null);
        this.discoTable = new KeyTable(discoKeys, ambiguousDiscoKeys(discoKeys));
        this.byNodeKey = new Object2IntHashMap<>(Math.max(8, nodeKeys.length * 2), 0.65f, NO_PEER);
        for (int i = 0; i < nodeKeys.length; i++) {
            byNodeKey.put(nodeKeys[i], i);
        }
    }

    /**
     * A disco key given to two or more peers can't name one of them, so it is left out of the disco index and
     * {@link #peerIdOfDisco} fails closed for it (no endpoints are learned for an ambiguous sender, SPEC §5.6).
     */
    private static boolean[] ambiguousDiscoKeys(final DiscoKey[] discoKeys) {
        final Map<DiscoKey, Integer> first = new HashMap<>();
        final boolean[] ambiguous = new boolean[discoKeys.length];
        for (int i = 0; i < discoKeys.length; i++) {
            if (discoKeys[i] == null) {
                continue;
            }
            final Integer earlier = first.putIfAbsent(discoKeys[i], i);
            if (earlier != null) {
                ambiguous[earlier] = true;
                ambiguous[i] = true;
            }
        }
        return ambiguous;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of peers; peer ids are {@code 0..size()-1}. */
    public int size() {
        return nodeKeys.length;
    }

    /** True when {@code peerId} names a peer of this snapshot. */
    public boolean contains(final int peerId) {
        return peerId >= 0 && peerId < nodeKeys.length;
    }

    /**
     * The peer whose node key is at {@code buffer[keyOffset, keyOffset + 32)}, or {@link #NO_PEER}; also
     * {@link #NO_PEER} when those 32 bytes are not inside the buffer. Allocation-free.
     */
    public int peerIdOf(final DirectBuffer buffer, final int keyOffset) {
        return nodeTable.find(buffer, keyOffset);
    }

    /** The peer with this node key, or {@link #NO_PEER}. Allocation-free. */
    public int peerIdOf(final NodeKey nodeKey) {
        return nodeKey == null ? NO_PEER : byNodeKey.getValue(nodeKey);
    }

    /**
     * The peer whose disco key is at {@code buffer[keyOffset, keyOffset + 32)}, or {@link #NO_PEER} (also when the
     * key is shared by several peers, or the bytes are not inside the buffer). Allocation-free; for disco demux.
     */
    public int peerIdOfDisco(final DirectBuffer buffer, final int keyOffset) {
        return discoTable.find(buffer, keyOffset);
    }

    /**
     * True when {@code buffer[keyOffset, keyOffset + 32)} is this peer's disco key: the SPEC §5.6 binding check that
     * a relayed CallMeMaybe's sender disco key belongs to the node that relayed it. Allocation-free.
     */
    public boolean discoKeyMatches(final int peerId, final DirectBuffer buffer, final int keyOffset) {
        checkPeerId(peerId);
        final DiscoKey disco = discoKeys[peerId];
        return disco != null && keyOffset >= 0 && keyOffset <= buffer.capacity() - KeyTable.KEY_LENGTH
            && disco.matches(buffer, keyOffset);
    }

    public NodeKey nodeKey(final int peerId) {
        checkPeerId(peerId);
        return nodeKeys[peerId];
    }

    /** The peer's disco key, or {@code null} when the netmap gave it none. */
    public DiscoKey discoKey(final int peerId) {
        checkPeerId(peerId);
        return discoKeys[peerId];
    }

    /** The peer's netmap home DERP region ({@code HomeDERP}), or {@link #NO_REGION}. */
    public int homeRegion(final int peerId) {
        checkPeerId(peerId);
        return homeRegions[peerId];
    }

    private void checkPeerId(final int peerId) {
        if (peerId < 0 || peerId >= nodeKeys.length) {
            throw new IllegalArgumentException("peer id " + peerId + " is not in this snapshot of " + nodeKeys.length
                + " peers (peer ids are valid only within the snapshot that issued them)");
        }
    }

    @Override
    public String toString() {
        return "Netmap{peers=" + nodeKeys.length + '}';
    }

    /**
     * Collects peers for one {@link Netmap}. Peer ids are given in the order peers are added. Not thread-safe;
     * {@link #build()} copies, so the builder may go on to build a later snapshot.
     */
    public static final class Builder {
        private final List<NodeKey> nodeKeys = new ArrayList<>();
        private final List<DiscoKey> discoKeys = new ArrayList<>();
        private int[] homeRegions = new int[16];
        private final Object2IntHashMap<NodeKey> seen = new Object2IntHashMap<>(NO_PEER);

        private Builder() {
        }

        /**
         * Adds a peer and returns the peer id it will have in the built snapshot.
         *
         * @param nodeKey    the peer's node key, unique in this netmap
         * @param discoKey   its disco key, or {@code null} when it has none
         * @param homeRegion its netmap home DERP region, or {@link #NO_REGION}
         * @throws NetmapException on a duplicate or missing node key, a negative region, or too many peers
         */
        public int addPeer(final NodeKey nodeKey, final DiscoKey discoKey, final int homeRegion) {
            if (nodeKey == null) {
                throw new NetmapException(NetmapException.Reason.MISSING_NODE_KEY, "peer " + nodeKeys.size()
                    + " has no node key");
            }
            if (homeRegion < 0) {
                throw new NetmapException(NetmapException.Reason.NEGATIVE_REGION, "home region " + homeRegion
                    + " for peer " + nodeKey);
            }
            final int earlier = seen.getValue(nodeKey);
            if (earlier != NO_PEER) {
                throw new NetmapException(NetmapException.Reason.DUPLICATE_NODE_KEY, nodeKey + " is peer " + earlier
                    + " already");
            }
            if (nodeKeys.size() == MAX_PEERS) {
                throw new NetmapException(NetmapException.Reason.TOO_MANY_PEERS, "more than " + MAX_PEERS + " peers");
            }
            final int peerId = nodeKeys.size();
            seen.put(nodeKey, peerId);
            nodeKeys.add(nodeKey);
            discoKeys.add(discoKey);
            if (peerId == homeRegions.length) {
                homeRegions = Arrays.copyOf(homeRegions, peerId * 2);
            }
            homeRegions[peerId] = homeRegion;
            return peerId;
        }

        /** Number of peers added so far. */
        public int size() {
            return nodeKeys.size();
        }

        public Netmap build() {
            return new Netmap(nodeKeys.toArray(new NodeKey[0]), discoKeys.toArray(new DiscoKey[0]),
                Arrays.copyOf(homeRegions, nodeKeys.size()));
        }
    }
}
