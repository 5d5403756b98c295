package io.derpring.loadgen;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.derpring.engine.SendResult;
import io.derpring.internal.metrics.Counters;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.client.ClientCounter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.agrona.DirectBuffer;

/**
 * The baseline's clients: two connections to the TCP forwarder per pair, the sender with id {@code 2p} and the
 * receiver with id {@code 2p + 1}, each naming the other as its peer. Data goes sender to receiver and acks back,
 * exactly as through the relay; each connection has its own {@link TrafficSink}.
 */
final class ForwarderClients implements LoadClients {
    private final Counters<ClientCounter> counters = new Counters<>(ClientCounter.class);
    private final ForwarderClient[] senders;
    private final ForwarderClient[] receivers;
    private final Channel[] channels;
    private final Transport transport;
    private final EventLoopGroup group;
    private final InetSocketAddress forwarder;

    /** @param sinks two per pair: {@code 2p} the sender's (acks land there), {@code 2p + 1} the receiver's */
    ForwarderClients(final int pairs, final int sizeBytes, final InetSocketAddress forwarder,
                     final Transport transport, final EventLoopGroup group, final TrafficSink[] sinks) {
        this.transport = transport;
        this.group = group;
        this.forwarder = forwarder;
        senders = new ForwarderClient[pairs];
        receivers = new ForwarderClient[pairs];
        channels = new Channel[2 * pairs];
        for (int p = 0; p < pairs; p++) {
            senders[p] = new ForwarderClient(2 * p, 2 * p + 1, sizeBytes, sinks[2 * p], counters);
            receivers[p] = new ForwarderClient(2 * p + 1, 2 * p, sizeBytes, sinks[2 * p + 1], counters);
            sinks[2 * p].ackPath(this);
            sinks[2 * p + 1].ackPath(this);
        }
    }

    @Override
    public void connect(final long timeoutNs) throws InterruptedException {
        final CompletableFuture<?>[] all = new CompletableFuture<?>[channels.length];
        for (int p = 0; p < senders.length; p++) {
            channels[2 * p] = dial(senders[p]);
            channels[2 * p + 1] = dial(receivers[p]);
            all[2 * p] = senders[p].connected();
            all[2 * p + 1] = receivers[p].connected();
        }
        try {
            CompletableFuture.allOf(all).get(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("a forwarder client could not connect: " + e.getCause().getMessage(),
                e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("forwarder clients did not all connect within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
        }
    }

    private Channel dial(final ForwarderClient client) {
        final Channel ch = new Bootstrap().group(group).channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true).handler(client).connect(forwarder).channel();
        ch.closeFuture().addListener(f -> client.connected().completeExceptionally(
            new IllegalStateException("connection to the forwarder " + forwarder + " closed")));
        return ch;
    }

    @Override
    public SendResult sendData(final int pair, final DirectBuffer packet, final int length) {
        return senders[pair].offer(packet, length) ? SendResult.ACCEPTED : SendResult.BACK_PRESSURED;
    }

    @Override
    public SendResult sendAck(final int pair, final DirectBuffer ack, final int length) {
        return receivers[pair].offer(ack, length) ? SendResult.ACCEPTED : SendResult.BACK_PRESSURED;
    }

    @Override
    public long queuedPackets() {
        long sum = 0;
        for (int p = 0; p < senders.length; p++) {
            sum += senders[p].queued() + receivers[p].queued();
        }
        return sum;
    }

    @Override
    public Map<String, Long> drops() {
        final Map<String, Long> out = new LinkedHashMap<>();
        ClientDropTally.add(out, "connection.", counters, ClientDropTally.CONNECTION);
        return out;
    }

    @Override
    public boolean allConnected() {
        for (int p = 0; p < senders.length; p++) {
            if (!senders[p].isConnected() || !receivers[p].isConnected()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Counters<ClientCounter> clientCounters() {
        return counters;
    }

    @Override
    public void close() {
        for (final Channel ch : channels) {
            if (ch != null) {
                ch.close();
            }
        }
        for (final Channel ch : channels) {
            if (ch != null) {
                ch.closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
    }
}
