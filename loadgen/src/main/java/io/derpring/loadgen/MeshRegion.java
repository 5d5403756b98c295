package io.derpring.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.server.DerpRelayServer;
import io.derpring.server.MeshAddress;

/**
 * Embedded relays meshed into one region for {@code --cross-relay}: each must know the others' addresses before it
 * starts, so ports are reserved first; and sending waits until every relay has learnt, from its peers, the keys its
 * clients send to (otherwise the first packets would be dropped as unknown while PeerPresent is still on its way).
 */
final class MeshRegion {
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int MESH_KEY_BYTES = 32;

    private MeshRegion() {
    }

    /** A fresh mesh key for one run's region. */
    static MeshKey newKey() {
        final byte[] raw = new byte[MESH_KEY_BYTES];
        new java.security.SecureRandom().nextBytes(raw);
        return MeshKey.parse(java.util.HexFormat.of().formatHex(raw));
    }

    /** {@code count} loopback URLs on ports that were free a moment ago. */
    static List<MeshAddress> addresses(final int count) {
        final List<ServerSocket> held = new ArrayList<>();
        try {
            final List<MeshAddress> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                final ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                out.add(MeshAddress.parse("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                    + s.getLocalPort()));
            }
            return out;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot reserve ports for the meshed relays", e);
        } finally {
            for (final ServerSocket s : held) {
                try {
                    s.close();
                } catch (final IOException ignored) {
                    // closing a bound, unused socket
                }
            }
        }
    }

    /** Waits until each pair's sender relay knows its receiver and the receiver relay knows its sender (acks). */
    static void awaitLearnt(final DerpRelayServer[] relays, final PairState[] pairs, final RawClients clients,
                            final long timeoutNs) {
        final long deadline = System.nanoTime() + timeoutNs;
        for (final PairState pair : pairs) {
            await(relays[pair.regionId - 1], clients.receiverKey(pair.pair), deadline);
            await(relays[pair.receiverRegionId - 1], clients.senderKey(pair.pair), deadline);
        }
    }

    private static void await(final DerpRelayServer relay, final NodeKey key, final long deadline) {
        while (!relay.relay().isOnMeshPeer(key)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the meshed relays did not learn every client within the connect "
                    + "timeout");
            }
            LockSupport.parkNanos(POLL_NS);
        }
    }
}
