package io.derpring.internal.netmap;

import io.derpring.netmap.Netmap;
import io.derpring.netmap.NetmapException;

import static io.derpring.netmap.Netmap.NO_PEER;
import static io.derpring.netmap.Netmap.NO_REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.derpring.keys.DiscoKey;
import io.derpring.keys.NodeKey;

class NetmapTest {
    static NodeKey nodeKey(final int seed) {
        final byte[] raw = new byte[32];
        new SplittableRandom(seed).nextBytes(raw);
        return NodeKey.fromBytes(raw);
    }

    static DiscoKey discoKey(final int seed) {
        final byte[] raw = new byte[32];
        new SplittableRandom(1_000_000 + seed).nextBytes(raw);
        return DiscoKey.fromBytes(raw);
    }

    /** A buffer holding {@code key} at {@code offset}, with junk around it. */
    static DirectBuffer bufferWith(final byte[] key, final int offset, final int capacity) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[capacity]);
        buffer.setMemory(0, capacity, (byte) 0x5a);
        buffer.putBytes(offset, key);
        return buffer;
    }

    private static Netmap threePeers() {
        final Netmap.Builder b = Netmap.builder();
        b.addPeer(nodeKey(1), discoKey(1), 900);
        b.addPeer(nodeKey(2), discoKey(2), NO_REGION);
        b.addPeer(nodeKey(3), null, 7);
        return b.build();
    }

    @Test
    void peerIdsAreDenseInTheOrderPeersWereAdded() {
        final Netmap.Builder b = Netmap.builder();
        assertThat(b.addPeer(nodeKey(10), discoKey(10), 1)).isZero();
        assertThat(b.addPeer(nodeKey(11), discoKey(11), 1)).isEqualTo(1);
        assertThat(b.addPeer(nodeKey(12), discoKey(12), 1)).isEqualTo(2);
        final Netmap netmap = b.build();
        assertThat(netmap.size()).isEqualTo(3);
        assertThat(netmap.nodeKey(0)).isEqualTo(nodeKey(10));
        assertThat(netmap.nodeKey(2)).isEqualTo(nodeKey(12));
    }

    @Test
    void lookupByBufferBytesFindsEachPeerAtAnyOffset() {
        final Netmap netmap = threePeers();
        for (int peer = 0; peer < 3; peer++) {
            for (final int offset : new int[] {0, 1, 7, 33}) {
                final DirectBuffer buffer = bufferWith(netmap.nodeKey(peer).toBytes(), offset, offset + 32 + 5);
                assertThat(netmap.peerIdOf(buffer, offset)).as("peer %d at %d", peer, offset).isEqualTo(peer);
            }
        }
    }

    @Test
    void lookupWorksOnDirectMemoryBuffers() {
        final Netmap netmap = threePeers();
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        direct.putBytes(3, nodeKey(2).toBytes());
        assertThat(netmap.peerIdOf(direct, 3)).isEqualTo(1);
    }

    @Test
    void unknownNodeKeyIsNoPeer() {
        final Netmap netmap = threePeers();
        assertThat(netmap.peerIdOf(bufferWith(nodeKey(4).toBytes(), 0, 32), 0)).isEqualTo(NO_PEER);
        assertThat(netmap.peerIdOf(nodeKey(4))).isEqualTo(NO_PEER);
        assertThat(netmap.peerIdOf((NodeKey) null)).isEqualTo(NO_PEER);
    }

    @Test
    void discoKeyBytesDoNotFindAPeerByNodeKey() {
        final Netmap netmap = threePeers();
        assertThat(netmap.peerIdOf(bufferWith(discoKey(1).toBytes(), 0, 32), 0)).isEqualTo(NO_PEER);
    }

    @Test
    void keysSharingTheFirst8BytesAreToldApart() {
        final byte[] a = nodeKey(20).toBytes();
        final byte[] b = a.clone();
        b[31] ^= 1;
        final byte[] c = a.clone();
        c[8] ^= 1; // shares the 8-byte prefix too, but is not in the netmap
        final Netmap.Builder builder = Netmap.builder();
        builder.addPeer(NodeKey.fromBytes(a), null, 0);
        builder.addPeer(NodeKey.fromBytes(b), null, 0);
        final Netmap netmap = builder.build();
        assertThat(netmap.peerIdOf(bufferWith(a, 0, 32), 0)).isZero();
        assertThat(netmap.peerIdOf(bufferWith(b, 0, 32), 0)).isEqualTo(1);
        assertThat(netmap.peerIdOf(bufferWith(c, 0, 32), 0)).isEqualTo(NO_PEER);
    }

    @Test
    void thousandsOfRandomPeersAreAllFoundAndNonMembersAreNot() {
        final long seed = 0xfeedL;
        final SplittableRandom random = new SplittableRandom(seed);
        final Netmap.Builder builder = Netmap.builder();
        final byte[][] members = new byte[5_000][32];
        for (final byte[] key : members) {
            random.nextBytes(key);
            builder.addPeer(NodeKey.fromBytes(key), DiscoKey.fromBytes(key), 1);
        }
        final Netmap netmap = builder.build();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        for (int i = 0; i < members.length; i++) {
            buffer.putBytes(0, members[i]);
            assertThat(netmap.peerIdOf(buffer, 0)).as("seed %d member %d", seed, i).isEqualTo(i);
            assertThat(netmap.peerIdOfDisco(buffer, 0)).as("seed %d member %d", seed, i).isEqualTo(i);
        }
        final byte[] other = new byte[32];
        for (int i = 0; i < 5_000; i++) {
            random.nextBytes(other);
            buffer.putBytes(0, other);
            assertThat(netmap.peerIdOf(buffer, 0)).as("seed %d non-member %d", seed, i).isEqualTo(NO_PEER);
        }
    }

    @Test
    void keyBytesNotInsideTheBufferAreNoPeer() {
        final Netmap netmap = threePeers();
        final DirectBuffer buffer = bufferWith(nodeKey(1).toBytes(), 0, 40);
        assertThat(netmap.peerIdOf(buffer, 0)).isZero();
        assertThat(netmap.peerIdOf(buffer, -1)).isEqualTo(NO_PEER);
        assertThat(netmap.peerIdOf(buffer, 8)).isEqualTo(NO_PEER); // 8 + 32 = 40: fits, but wrong bytes
        assertThat(netmap.peerIdOf(buffer, 9)).isEqualTo(NO_PEER); // 9 + 32 > 40
        assertThat(netmap.peerIdOf(new UnsafeBuffer(new byte[31]), 0)).isEqualTo(NO_PEER);
        assertThat(netmap.peerIdOfDisco(buffer, Integer.MAX_VALUE)).isEqualTo(NO_PEER);
    }

    @Test
    void peerIdOfNodeKeyFindsEachPeer() {
        final Netmap netmap = threePeers();
        assertThat(netmap.peerIdOf(nodeKey(1))).isZero();
        assertThat(netmap.peerIdOf(nodeKey(3))).isEqualTo(2);
    }

    @Test
    void discoLookupFindsThePeerAndAPeerWithoutDiscoKeyHasNone() {
        final Netmap netmap = threePeers();
        assertThat(netmap.peerIdOfDisco(bufferWith(discoKey(2).toBytes(), 4, 40), 4)).isEqualTo(1);
        assertThat(netmap.peerIdOfDisco(bufferWith(nodeKey(2).toBytes(), 0, 32), 0)).isEqualTo(NO_PEER);
        assertThat(netmap.discoKey(0)).isEqualTo(discoKey(1));
        assertThat(netmap.discoKey(2)).isNull();
    }

    @Test
    void discoKeySharedByTwoPeersFindsNeither() {
        final Netmap.Builder b = Netmap.builder();
        b.addPeer(nodeKey(1), discoKey(9), 0);
        b.addPeer(nodeKey(2), discoKey(9), 0);
        b.addPeer(nodeKey(3), discoKey(3), 0);
        final Netmap netmap = b.build();
        assertThat(netmap.peerIdOfDisco(bufferWith(discoKey(9).toBytes(), 0, 32), 0)).isEqualTo(NO_PEER);
        assertThat(netmap.peerIdOfDisco(bufferWith(discoKey(3).toBytes(), 0, 32), 0)).isEqualTo(2);
        assertThat(netmap.discoKey(0)).isEqualTo(discoKey(9));
    }

    @Test
    void discoKeyMatchesBindsADiscoKeyToItsOwnPeerOnly() {
        final Netmap netmap = threePeers();
        final DirectBuffer disco1 = bufferWith(discoKey(1).toBytes(), 2, 40);
        assertThat(netmap.discoKeyMatches(0, disco1, 2)).isTrue();
        assertThat(netmap.discoKeyMatches(1, disco1, 2)).isFalse(); // peer 1 can't speak for peer 0
        assertThat(netmap.discoKeyMatches(2, disco1, 2)).isFalse(); // peer 2 has no disco key
        assertThat(netmap.discoKeyMatches(0, disco1, 9)).isFalse(); // out of the buffer
    }

    @Test
    void homeRegionIsKeptAndNoRegionIsZero() {
        final Netmap netmap = threePeers();
        assertThat(netmap.homeRegion(0)).isEqualTo(900);
        assertThat(netmap.homeRegion(1)).isEqualTo(NO_REGION).isZero();
        assertThat(netmap.homeRegion(2)).isEqualTo(7);
    }

    @Test
    void duplicateNodeKeyIsRejectedAndTheBuilderKeepsTheFirst() {
        final Netmap.Builder b = Netmap.builder();
        b.addPeer(nodeKey(1), discoKey(1), 1);
        assertThatThrownBy(() -> b.addPeer(nodeKey(1), discoKey(2), 2)).isInstanceOf(NetmapException.class)
            .satisfies(e -> assertThat(((NetmapException) e).reason())
                .isEqualTo(NetmapException.Reason.DUPLICATE_NODE_KEY));
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.build().homeRegion(0)).isEqualTo(1);
    }

    @Test
    void negativeHomeRegionIsRejected() {
        final Netmap.Builder b = Netmap.builder();
        assertThatThrownBy(() -> b.addPeer(nodeKey(1), null, -1)).isInstanceOf(NetmapException.class)
            .hasMessageContaining("-1")
            .satisfies(e -> assertThat(((NetmapException) e).reason())
                .isEqualTo(NetmapException.Reason.NEGATIVE_REGION));
        assertThat(b.addPeer(nodeKey(1), null, 0)).isZero();
        assertThat(b.addPeer(nodeKey(2), null, Integer.MAX_VALUE)).isEqualTo(1);
    }

    @Test
    void peerWithoutNodeKeyIsRejected() {
        assertThatThrownBy(() -> Netmap.builder().addPeer(null, discoKey(1), 0)).isInstanceOf(NetmapException.class)
            .satisfies(e -> assertThat(((NetmapException) e).reason())
                .isEqualTo(NetmapException.Reason.MISSING_NODE_KEY));
    }

    @Test
    void peerIdOutsideTheSnapshotIsATypedError() {
        final Netmap netmap = threePeers();
        assertThat(netmap.contains(0)).isTrue();
        assertThat(netmap.contains(2)).isTrue();
        assertThat(netmap.contains(3)).isFalse();
        assertThat(netmap.contains(NO_PEER)).isFalse();
        assertThatThrownBy(() -> netmap.nodeKey(3)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not in this snapshot");
        assertThatThrownBy(() -> netmap.homeRegion(NO_PEER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> netmap.discoKey(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyNetmapFindsNothing() {
        assertThat(Netmap.EMPTY.size()).isZero();
        assertThat(Netmap.EMPTY.peerIdOf(bufferWith(nodeKey(1).toBytes(), 0, 32), 0)).isEqualTo(NO_PEER);
        assertThat(Netmap.EMPTY.peerIdOfDisco(bufferWith(discoKey(1).toBytes(), 0, 32), 0)).isEqualTo(NO_PEER);
        assertThat(Netmap.EMPTY.peerIdOf(nodeKey(1))).isEqualTo(NO_PEER);
    }

    @Test
    void builtSnapshotDoesNotChangeWhenTheBuilderGoesOn() {
        final Netmap.Builder b = Netmap.builder();
        b.addPeer(nodeKey(1), null, 1);
        final Netmap first = b.build();
        b.addPeer(nodeKey(2), null, 2);
        final Netmap second = b.build();
        assertThat(first.size()).isEqualTo(1);
        assertThat(first.peerIdOf(nodeKey(2))).isEqualTo(NO_PEER);
        assertThat(second.peerIdOf(nodeKey(2))).isEqualTo(1);
    }

    @Test
    void peerIdsAreRenumberedInTheNextSnapshot() {
        final Netmap.Builder before = Netmap.builder();
        before.addPeer(nodeKey(1), null, 0);
        before.addPeer(nodeKey(2), null, 0);
        final Netmap.Builder after = Netmap.builder();
        after.addPeer(nodeKey(2), null, 0);
        // Same node key, different id: ids must not be carried across snapshots.
        assertThat(before.build().peerIdOf(nodeKey(2))).isEqualTo(1);
        assertThat(after.build().peerIdOf(nodeKey(2))).isZero();
    }

    @Test
    void peerCountAtBelowAndAboveMaxPeers() {
        final Netmap.Builder b = Netmap.builder();
        final byte[] raw = new byte[32];
        for (int i = 0; i < Netmap.MAX_PEERS - 1; i++) {
            raw[0] = (byte) i;
            raw[1] = (byte) (i >>> 8);
            raw[2] = (byte) (i >>> 16);
            b.addPeer(NodeKey.fromBytes(raw), null, 0);
        }
        assertThat(b.size()).isEqualTo(Netmap.MAX_PEERS - 1);
        raw[3] = 1;
        assertThat(b.addPeer(NodeKey.fromBytes(raw), null, 0)).isEqualTo(Netmap.MAX_PEERS - 1);
        raw[3] = 2;
        assertThatThrownBy(() -> b.addPeer(NodeKey.fromBytes(raw), null, 0)).isInstanceOf(NetmapException.class)
            .satisfies(e -> assertThat(((NetmapException) e).reason())
                .isEqualTo(NetmapException.Reason.TOO_MANY_PEERS));
        final Netmap netmap = b.build();
        assertThat(netmap.size()).isEqualTo(Netmap.MAX_PEERS);
        raw[3] = 1;
        assertThat(netmap.peerIdOf(new UnsafeBuffer(raw), 0)).isEqualTo(Netmap.MAX_PEERS - 1);
    }
}
