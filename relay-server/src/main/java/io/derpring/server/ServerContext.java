package io.derpring.server;

import java.util.IdentityHashMap;
import java.util.Map;

import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayShard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/** What every connection of one server shares: keys, settings, the relay, its shards by loop, and the counters. */
final class ServerContext {
    private final NodePrivateKey serverPrivate;
    private final DerpRelayServer.Settings settings;
    private final Relay<ByteBuf> relay;
    private final Map<EventLoop, RelayShard<ByteBuf>> shardsByLoop;
    private final ConnectionTracker tracker;
    private final DistinctErrorLog errors;
    private final byte[] upgradeResponse;

    ServerContext(final NodePrivateKey serverPrivate, final DerpRelayServer.Settings settings, final Relay<ByteBuf> relay,
                  final IdentityHashMap<EventLoop, RelayShard<ByteBuf>> shardsByLoop, final ConnectionTracker tracker,
                  final DistinctErrorLog errors) {
        this.serverPrivate = serverPrivate;
        this.settings = settings;
        this.relay = relay;
        this.shardsByLoop = shardsByLoop;
        this.tracker = tracker;
        this.errors = errors;
        this.upgradeResponse = HttpRouter.switchingProtocols(serverPrivate.publicKey());
    }

    NodePrivateKey serverPrivate() {
        return serverPrivate;
    }

    DerpRelayServer.Settings settings() {
        return settings;
    }

    Relay<ByteBuf> relay() {
        return relay;
    }

    /** The shard that owns the clients of {@code loop}: a connection lives on its channel's loop. */
    RelayShard<ByteBuf> shardFor(final EventLoop loop) {
        final RelayShard<ByteBuf> shard = shardsByLoop.get(loop);
        if (shard == null) {
            throw new IllegalStateException("no relay shard for event loop " + loop);
        }
        return shard;
    }

    ConnectionTracker tracker() {
        return tracker;
    }

    DistinctErrorLog errors() {
        return errors;
    }

    /** The exact 101 response of SPEC §2.6 for this server's key. */
    byte[] upgradeResponse() {
        return upgradeResponse;
    }
}
