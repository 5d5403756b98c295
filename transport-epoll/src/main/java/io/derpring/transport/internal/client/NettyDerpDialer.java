package io.derpring.transport.internal.client;

import java.util.Objects;

import javax.net.ssl.TrustManagerFactory;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.engine.DialerFactory;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.region.DerpDialer;
import io.derpring.internal.region.DerpLink;
import io.derpring.internal.region.LinkListener;
import io.derpring.internal.ring.InboundRing;
import io.derpring.transport.Transport;
import io.netty.channel.EventLoopGroup;
import org.agrona.DirectBuffer;

/**
 * How the engine's region conductor opens DERP connections on Netty: each {@link #dial} builds and starts one
 * {@link DerpNodeConnection} on the shared event loop group and returns it as the engine's {@link DerpLink}; its
 * events reach the conductor's {@link LinkListener} from the connection's event loop (the conductor only enqueues
 * them). Returns at once: the outcome arrives through the listener.
 */
public final class NettyDerpDialer implements DerpDialer {
    private final Transport transport;
    private final EventLoopGroup group;
    private final DerpClientSettings settings;
    private final TransportSecurity securityOverride;
    private final TrustManagerFactory trust;
    private final InboundRing ring;
    private final NodePrivateKey self;
    private final Counters<ClientCounter> counters;

    private NettyDerpDialer(final Transport transport, final EventLoopGroup group, final DerpClientSettings settings,
                            final TransportSecurity securityOverride, final TrustManagerFactory trust,
                            final InboundRing ring, final NodePrivateKey self, final Counters<ClientCounter> counters) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.group = Objects.requireNonNull(group, "event loop group");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.securityOverride = securityOverride;
        this.trust = trust;
        this.ring = ring;
        this.self = self;
        this.counters = counters;
    }

    /**
     * The engine's hook: connections on {@code group} (built for {@code transport}), all counting into
     * {@code counters}.
     *
     * @param securityOverride null to use each node's own security (SPEC §5.10); {@link TransportSecurity.PlainHttp}
     *                         for tests and loopback
     * @param trust            trust store for name verification; null = the platform's
     */
    public static DialerFactory factory(final Transport transport, final EventLoopGroup group,
                                        final DerpClientSettings settings, final TransportSecurity securityOverride,
                                        final TrustManagerFactory trust, final Counters<ClientCounter> counters) {
        return new DialerFactory() {
            @Override
            public DerpDialer create(final InboundRing inbound, final NodePrivateKey self) {
                return new NettyDerpDialer(transport, group, settings, securityOverride, trust, inbound, self,
                    counters);
            }

            @Override
            public Counters<ClientCounter> connectionCounters() {
                return counters;
            }
        };
    }

    @Override
    public DerpLink dial(final DerpRegion region, final DerpNode node, final String idealNodeName,
                         final LinkListener listener) {
        final DerpNodeConnection connection = DerpNodeConnection.builder()
            .transport(transport, group)
            .node(node)
            .security(securityOverride)
            .trust(trust)
            .privateKey(self)
            .ring(ring, region.regionId())
            .listener(new LinkEvents(listener))
            .settings(settings.toBuilder().idealNodeName(idealNodeName).build())
            .counters(counters)
            .build();
        connection.connect();
        return connection;
    }

    /** Connection events as the conductor wants them. PeerGone/PeerPresent copy the key out: they are rare. */
    private static final class LinkEvents implements DerpNodeListener {
        private final LinkListener link;

        LinkEvents(final LinkListener link) {
            this.link = link;
        }

        @Override
        public void onConnected(final DerpNodeConnection connection, final ServerInfo serverInfo) {
            link.onConnected();
        }

        @Override
        public void onHealth(final DerpNodeConnection connection, final String problem) {
            link.onHealth(problem);
        }

        @Override
        public void onPeerGone(final DerpNodeConnection connection, final DirectBuffer buffer, final int keyOffset,
                               final int reason) {
            link.onPeerGone(NodeKey.read(buffer, keyOffset), reason);
        }

        @Override
        public void onPeerPresent(final DerpNodeConnection connection, final DirectBuffer buffer, final int offset,
                                  final int length) {
            link.onPeerPresent(NodeKey.read(buffer, offset));
        }

        @Override
        public void onPong(final DerpNodeConnection connection, final long data) {
            link.onPong(data);
        }

        @Override
        public void onClosed(final DerpNodeConnection connection, final Throwable cause) {
            final boolean onPurpose = cause instanceof DerpConnectionException
                && ((DerpConnectionException) cause).failure() == DerpConnectionException.Failure.CLOSED_LOCALLY;
            link.onClosed(onPurpose ? null : cause);
        }
    }
}
