package io.derpring.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayShard;
import io.derpring.keys.NodePrivateKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * The server's watch connections to the other relays of its region ({@code --mesh-with}), one {@link MeshClient} per
 * peer. An entry named like this server ({@code --hostname}) is skipped, as derper does; any other entry that turns
 * out to be this server is recognised by its ServerKey and dropped.
 */
final class MeshClients {
    private final List<MeshClient> clients;

    private MeshClients(final List<MeshClient> clients) {
        this.clients = clients;
    }

    static MeshClients start(final DerpRelayServer.Settings settings, final Relay<ByteBuf> relay,
                             final NodePrivateKey serverPrivate, final EventLoopGroup group,
                             final Function<EventLoop, RelayShard<ByteBuf>> shardFor) throws SSLException {
        final SslContext ssl = needsTls(settings.meshWith) ? clientContext(settings.meshTrust) : null;
        final List<MeshClient> clients = new ArrayList<>();
        for (final MeshAddress a : settings.meshWith) {
            if (a.name().equalsIgnoreCase(settings.hostname)) {
                continue;
            }
            final MeshClient c = new MeshClient(a, relay.addMeshPeer(a.label()), serverPrivate, settings.meshKey, group,
                settings.transport, a.tls() ? ssl : null, shardFor, settings.handshakeTimeoutNs);
            clients.add(c);
            c.start();
        }
        return new MeshClients(clients);
    }

    private static boolean needsTls(final List<MeshAddress> addresses) {
        for (final MeshAddress a : addresses) {
            if (a.tls()) {
                return true;
            }
        }
        return false;
    }

    /** PEM CA certificates from {@code --mesh-trust}, else the JVM's trust store. */
    private static SslContext clientContext(final Path trust) throws SSLException {
        final SslContextBuilder b = SslContextBuilder.forClient();
        if (trust != null) {
            b.trustManager(trust.toFile());
        }
        return b.build();
    }

    List<MeshClient> clients() {
        return clients;
    }

    void stop() {
        for (final MeshClient c : clients) {
            c.stop();
        }
    }
}
