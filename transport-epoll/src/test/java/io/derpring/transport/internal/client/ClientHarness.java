package io.derpring.transport.internal.client;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.NodeAddress;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.netty.channel.EventLoopGroup;

/** Event loop groups per transport for a test class, and DERP nodes pointing at loopback servers. */
final class ClientHarness implements AutoCloseable {
    static final int REGION = 900;

    private final Map<Transport, EventLoopGroup> groups = new EnumMap<>(Transport.class);

    synchronized EventLoopGroup group(final Transport transport) {
        return groups.computeIfAbsent(transport, t -> EventLoops.create(t, 1, "test-client-" + t.cliName(), false));
    }

    /** A node at 127.0.0.1:{@code port} named {@code hostName} (IPv6 disabled). */
    static DerpNode node(final String hostName, final int port) {
        return node(hostName, "", "127.0.0.1", "none", port, false);
    }

    static DerpNode node(final String hostName, final String certName, final String ipv4, final String ipv6,
                         final int port, final boolean insecureForTests) {
        return new DerpNode("1a", REGION, hostName, certName, NodeAddress.ipv4(ipv4), NodeAddress.ipv6(ipv6), 0,
            false, port, insecureForTests, "", false);
    }

    @Override
    public synchronized void close() {
        for (final EventLoopGroup g : groups.values()) {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        groups.clear();
    }
}
