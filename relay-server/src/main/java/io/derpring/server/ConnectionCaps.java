package io.derpring.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.metrics.Counters;
import io.derpring.runtime.InvalidConfigException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;

/**
 * A cap on open connections in total and per source IP address, taken at accept (before TLS and HTTP) and given back
 * when the connection closes. Over either cap the connection is refused and counted
 * ({@link ServerCounter#OVER_MAX_CONNECTIONS}, {@link ServerCounter#OVER_MAX_CONNECTIONS_PER_IP}). The per-IP table
 * holds one entry per address with an open connection and drops it when the count returns to 0, so its size is
 * bounded by the open connections. Thread-safe: taken on the listening loop, given back on each connection's loop.
 *
 * <p>"Source IP" means the IPv4 address, or the IPv6 /64 ({@link #IPV6_PREFIX_BITS}): one host is usually given a
 * whole /64, so capping single IPv6 addresses would let it open 2^64 times the cap.
 *
 * <p>Mesh peers (SPEC §3.7, §3.8) are exempt from the per-IP cap, but a connection only proves it is one in its
 * ClientInfo, long after accept. So the per-IP slot is taken provisionally at accept and {@link #releaseIpSlot given
 * back} as soon as the mesh key is proven: a region's relays, however many of them share an address, never hold
 * the cap against each other or against clients for longer than a handshake (at most the handshake deadline). The
 * alternative, exempting configured mesh addresses at accept, would need a list of peer addresses the operator must
 * keep in step with the mesh, and would still trust an address rather than the key.
 */
final class ConnectionCaps {
    /** No cap (the default for both, as derper has none). */
    static final int UNLIMITED = 0;

    /** IPv6 sources are counted per /64, the usual smallest allocation to one subscriber (RFC 6177). */
    static final int IPV6_PREFIX_BITS = 64;

    private static final AttributeKey<Slot> SLOT = AttributeKey.valueOf("derpring.connectionSlot");

    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final Counters<ServerCounter> counters;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> openPerIp = new ConcurrentHashMap<>();

    ConnectionCaps(final int maxConnections, final int maxConnectionsPerIp, final Counters<ServerCounter> counters) {
        this.maxConnections = requireCap("maxConnections", maxConnections);
        this.maxConnectionsPerIp = requireCap("maxConnectionsPerIp", maxConnectionsPerIp);
        this.counters = counters;
    }

    static int requireCap(final String setting, final int cap) {
        return InvalidConfigException.requireInRange(setting, cap, UNLIMITED, Integer.MAX_VALUE);
    }

    boolean isUnlimited() {
        return maxConnections == UNLIMITED && maxConnectionsPerIp == UNLIMITED;
    }

    /**
     * Takes a slot for {@code child}, just accepted and not yet registered; false (counted) when a cap is reached.
     * The slot is given back when the channel closes.
     */
    boolean tryAdmit(final Channel child) {
        if (isUnlimited()) {
            return true;
        }
        if (maxConnections != UNLIMITED && !acquireTotal()) {
            counters.increment(ServerCounter.OVER_MAX_CONNECTIONS);
            return false;
        }
        final InetAddress address = addressOf(child.remoteAddress());
        final boolean perIp = maxConnectionsPerIp != UNLIMITED && address != null;
        if (perIp && !acquireIp(address)) {
            if (maxConnections != UNLIMITED) {
                open.decrementAndGet();
            }
            counters.increment(ServerCounter.OVER_MAX_CONNECTIONS_PER_IP);
            return false;
        }
        final Slot slot = new Slot(perIp ? address : null);
        child.attr(SLOT).set(slot);
        child.closeFuture().addListener(slot);
        return true;
    }

    /** SPEC §3.7, §3.8: {@code channel} proved the mesh key; its per-IP slot no longer counts. Idempotent. */
    static void releaseIpSlot(final Channel channel) {
        final Slot slot = channel.attr(SLOT).get();
        if (slot != null) {
            slot.releaseIp();
        }
    }

    /** Open connections counted against the total cap (0 when it is off). */
    int open() {
        return open.get();
    }

    /** Addresses with an open connection in the per-IP table; for tests (bounded memory). */
    int trackedAddresses() {
        return openPerIp.size();
    }

    int openFrom(final InetAddress address) {
        return openPerIp.getOrDefault(address, 0);
    }

    private boolean acquireTotal() {
        for (;;) {
            final int n = open.get();
            if (n >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private boolean acquireIp(final InetAddress address) {
        final boolean[] granted = new boolean[1]; // once per accept, never per frame
        openPerIp.compute(address, (a, n) -> {
            final int count = n == null ? 0 : n;
            if (count >= maxConnectionsPerIp) {
                return n;
            }
            granted[0] = true;
            return count + 1;
        });
        return granted[0];
    }

    private void releaseIpCount(final InetAddress address) {
        openPerIp.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1); // at 0 the entry goes: bounded memory
    }

    /** The key the per-IP cap counts under: the IPv4 address, or the IPv6 address cut to its /64. */
    static InetAddress addressOf(final SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress)) {
            return null;
        }
        final InetAddress address = ((InetSocketAddress) remote).getAddress();
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        final byte[] bytes = address.getAddress();
        Arrays.fill(bytes, IPV6_PREFIX_BITS / Byte.SIZE, bytes.length, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (final UnknownHostException impossible) { // only thrown for a wrong length
            throw new IllegalStateException(impossible);
        }
    }

    /** One connection's hold on the caps; given back once, whichever of close and mesh proof comes first. */
    private final class Slot implements ChannelFutureListener {
        private final InetAddress address;
        private final AtomicBoolean ipHeld;

        Slot(final InetAddress address) {
            this.address = address;
            this.ipHeld = new AtomicBoolean(address != null);
        }

        void releaseIp() {
            if (ipHeld.compareAndSet(true, false)) {
                releaseIpCount(address);
            }
        }

        @Override
        public void operationComplete(final ChannelFuture closed) {
            releaseIp();
            if (maxConnections != UNLIMITED) {
                open.decrementAndGet();
            }
        }
    }
}
