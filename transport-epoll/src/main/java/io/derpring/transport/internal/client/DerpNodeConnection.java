package io.derpring.transport.internal.client;

import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.SendResult;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.queue.OutboundQueue;
import io.derpring.internal.region.DerpLink;
import io.derpring.internal.ring.InboundRing;
import io.derpring.runtime.JvmRequirements;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.tls.DerpClientTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from this client to one DERP server node: the unit a multi-region engine opens, watches and
 * replaces (SPEC §1.4, §2, §5.10, §5.11). It dials the node ({@link NodeDialer}), secures it ({@link DerpClientTls}),
 * upgrades HTTP to DERP, runs the handshake, then moves packets both ways:
 * <ul>
 *   <li><b>out</b>: {@link #send} copies into a bounded, lock-free queue of off-heap slots from any thread (never
 *       blocks, never allocates in steady state; a full queue back-pressures, or drops its oldest under
 *       {@link OutboundOverflow#DROP_OLDEST}); disco frames have a smaller queue of their own. The event loop drains
 *       both while the channel is writable, disco first, and flushes once per pass ({@link OutboundDrain});</li>
 *   <li><b>in</b>: RecvPacket goes from Netty's buffer straight into an {@link InboundRing} slot; a full ring pauses
 *       reading until it drains. Other frames become {@link DerpNodeListener} events and {@link ClientCounter}s.</li>
 * </ul>
 *
 * <p><b>Threads.</b> The connection is bound to one event loop of the shared group ({@link #eventLoop()}), chosen at
 * construction. All channel work and every listener call happen there. {@link #send}, {@link #sendPing},
 * {@link #notePreferred}, {@link #close} and the getters may be called from any thread. The ring's resume callback
 * may come from a ring stage thread; it hops onto the loop with a pre-allocated task.
 *
 * <p><b>Time.</b> Connect timeout, keepalive deadline and write deadline read {@link DerpClientSettings#nanoClock()},
 * checked by a tick every {@link DerpClientSettings#deadlineCheckIntervalNs()} on the loop. The TCP connect itself
 * is bounded by the connect timeout through Netty's {@code CONNECT_TIMEOUT_MILLIS}.
 *
 * <p>One connection is used once: after it closes, make a new one (the engine owns reconnect and backoff).
 */
public final class DerpNodeConnection implements DerpLink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DerpNodeConnection.class);

    private static final int NEW = 0;
    private static final int CONNECTING = 1;
    private static final int CONNECTED = 2;
    private static final int CLOSED = 3;

    /** Plain-HTTP default port (SPEC §2.6: {@code http://}, port 80 unless DERPPort says otherwise). */
    static final int DEFAULT_PLAIN_HTTP_PORT = 80;

    private static final ChannelInitializer<Channel> NO_HANDLERS_YET = new ChannelInitializer<>() {
        @Override
        protected void initChannel(final Channel ch) {
            // Handlers go on the channel that wins the dial race only (see onDialed).
        }
    };

    private final Transport transport;
    private final EventLoop loop;
    private final DerpNode node;
    private final TransportSecurity security;
    private final TrustManagerFactory trust;
    private final NodePrivateKey privateKey;
    private final InboundRing ring;
    private final int regionId;
    private final DerpNodeListener listener;
    private final DerpClientSettings settings;
    private final Counters<ClientCounter> counters;
    private final Executor dnsExecutor;
    private final OutboundQueue outbound;
    private final OutboundQueue discoOutbound;
    private final OutboundDrain drain;
    private final int port;
    private final String hostHeader;
    private final String description;
    private final CompletableFuture<DerpNodeConnection> connected = new CompletableFuture<>();
    private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    private final AtomicBoolean connectCalled = new AtomicBoolean();
    private final Runnable tickTask = this::tick;
    private final Runnable closeTask = this::closeOnLoop;

    private volatile int state = NEW;
    private volatile Channel channel;
    private volatile NodeKey serverKey;
    private volatile ServerInfo serverInfo;
    private volatile boolean fastStart;
    /** Written by the loop once per read (not per packet), read by the engine's conductor. */
    private volatile long lastReceiveNs;
    /** When the last complete frame of any type arrived; once per read, read by the conductor (health stamps). */
    private volatile long lastFrameNs;
    /** Set by the first RecvPacket: the relay relays (the engine's backoff reset); written once. */
    private volatile boolean receivedPacket;

    // Event loop only.
    private long connectStartNs;
    private DerpClientHandler handler;
    private NodeDialer dialer;
    private ScheduledFuture<?> tick;

    private DerpNodeConnection(final Builder b) {
        this.transport = Objects.requireNonNull(b.transport, "transport");
        this.loop = Objects.requireNonNull(b.group, "event loop group").next();
        this.node = Objects.requireNonNull(b.node, "node");
        this.security = b.security != null ? b.security : node.transportSecurity();
        this.trust = b.trust;
        this.privateKey = Objects.requireNonNull(b.privateKey, "private key");
        this.ring = Objects.requireNonNull(b.ring, "inbound ring");
        this.regionId = b.regionId;
        this.listener = b.listener != null ? b.listener : DerpNodeListener.NONE;
        this.settings = b.settings != null ? b.settings : DerpClientSettings.defaults();
        this.counters = b.counters != null ? b.counters : new Counters<>(ClientCounter.class);
        this.dnsExecutor = b.dnsExecutor != null ? b.dnsExecutor : GlobalEventExecutor.INSTANCE;
        this.outbound = new OutboundQueue(settings.outboundQueueDepth, settings.outboundSlotCapacity,
            settings.outboundOverflow == OutboundOverflow.DROP_OLDEST
                ? OutboundQueue.Overflow.DROP_OLDEST : OutboundQueue.Overflow.REFUSE_NEWEST);
        this.discoOutbound = new OutboundQueue(settings.discoQueueDepth, settings.outboundSlotCapacity,
            OutboundQueue.Overflow.REFUSE_NEWEST);
        this.drain = new OutboundDrain(outbound, discoOutbound, counters, settings.nanoClock, loop,
            settings.writeBufferHighWaterMark);
        final boolean tls = !(security instanceof TransportSecurity.PlainHttp);
        this.port = tls ? node.effectiveDerpPort() : (node.derpPort() != 0 ? node.derpPort() : DEFAULT_PLAIN_HTTP_PORT);
        this.hostHeader = UpgradeRequest.hostHeader(node.hostName(), port, tls);
        this.description = "DERP node " + (node.name().isEmpty() ? "" : node.name() + ' ') + '(' + node.hostName()
            + ':' + port + (tls ? "" : ", plain HTTP") + (settings.webSocket ? ", WebSocket" : "") + ')';
    }

    /** A builder; fails with the missing flag's name before any default touches Agrona. */
    public static Builder builder() {
        JvmRequirements.requireAgronaAccess();
        return new Builder();
    }

    /**
     * Starts dialing. Completes with this connection once ServerInfo has arrived ("connected", B11), or exceptionally
     * with the {@link DerpConnectionException} / {@link io.derpring.internal.frame.DerpProtocolException} that ended it.
     *
     * @throws IllegalStateException if called twice
     */
    public CompletableFuture<DerpNodeConnection> connect() {
        if (!connectCalled.compareAndSet(false, true)) {
            throw new IllegalStateException("connect() was already called; a connection is used once");
        }
        state = CONNECTING;
        loop.execute(this::dialOnLoop);
        return connected;
    }

    /**
     * Queues one packet for {@code destination}. Any thread; never blocks; allocates nothing in steady state. When
     * the queue is full the packet is refused ({@link SendResult#BACK_PRESSURED}, nothing dropped), or under
     * {@link OutboundOverflow#DROP_OLDEST} the oldest queued packet is dropped and counted (SPEC §5.1, B65). Packets
     * queued before the handshake are sent right after ClientInfo. Never throws: bad arguments are
     * {@link SendResult#REJECTED} and counted.
     *
     * @return {@link SendResult#ACCEPTED}, {@link SendResult#BACK_PRESSURED}, {@link SendResult#NO_ROUTE} (closed,
     *         counted) or {@link SendResult#REJECTED}
     */
    @Override
    public SendResult send(final NodeKey destination, final DirectBuffer packet, final int offset, final int length) {
        return enqueue(outbound, destination, packet, offset, length, ClientCounter.BACK_PRESSURED);
    }

    /**
     * A sealed disco frame is a SendPacket like any other on the wire (SPEC §5.8), but it waits in its own smaller
     * queue, drained first, so a burst of data cannot starve it. A full disco queue refuses the frame.
     */
    @Override
    public SendResult sendDisco(final NodeKey destination, final DirectBuffer buffer, final int offset,
                                final int length) {
        return enqueue(discoOutbound, destination, buffer, offset, length, ClientCounter.DISCO_QUEUE_FULL);
    }

    private SendResult enqueue(final OutboundQueue queue, final NodeKey destination, final DirectBuffer packet,
                               final int offset, final int length, final ClientCounter refused) {
        if (destination == null || packet == null || length < 0 || length > FrameLimits.MAX_PACKET_SIZE
            || offset < 0 || offset > packet.capacity() - length) {
            counters.increment(ClientCounter.REJECTED_INVALID);
            return SendResult.REJECTED;
        }
        if (state == CLOSED) {
            counters.increment(ClientCounter.DROPPED_NOT_CONNECTED);
            return SendResult.NO_ROUTE;
        }
        final int offered = queue.offer(destination, packet, offset, length);
        if (offered == OutboundQueue.REFUSED) {
            counters.increment(queue == outbound && settings.outboundOverflow == OutboundOverflow.DROP_OLDEST
                ? ClientCounter.DROPPED_QUEUE_FULL : refused);
            return SendResult.BACK_PRESSURED;
        }
        if (offered == OutboundQueue.OFFERED_DROPPED_OLDEST) {
            counters.increment(ClientCounter.DROPPED_QUEUE_OLDEST);
        }
        // The close may have cleared the queues between the state check above and the offer: then nothing will
        // ever drain this packet. closed() writes the state (volatile) before it clears; here the offer publishes,
        // a full fence keeps that store ahead of the state read (an ordered store may otherwise pass a later load),
        // and the state is read again. So one side sees the other: close's clear took the packet, or this clears
        // it here. Both count what they clear; the caller hears NO_ROUTE. (Issue 13: a send racing close was lost
        // uncounted while send returned true.)
        VarHandle.fullFence();
        if (state == CLOSED) {
            final int unsent = queue.clear();
            if (unsent > 0) {
                counters.add(ClientCounter.DROPPED_UNSENT_AT_CLOSE, unsent);
            }
            return SendResult.NO_ROUTE;
        }
        drain.wake();
        return SendResult.ACCEPTED;
    }

    /** When bytes last arrived, on {@link DerpClientSettings#nanoClock()}; the connect time until the first read. */
    @Override
    public long lastReceiveNs() {
        return lastReceiveNs;
    }

    /**
     * When the last complete frame of any type arrived (ServerInfo, KeepAlive, Ping, ...), on
     * {@link DerpClientSettings#nanoClock()}; the connect time until the first frame.
     */
    @Override
    public long lastFrameReceivedNs() {
        return lastFrameNs;
    }

    /** Sends a Ping carrying {@code data} (8 bytes, big-endian); the Pong comes to {@link DerpNodeListener#onPong}. */
    @Override
    public void sendPing(final long data) {
        drain.requestPing(data);
    }

    /** Tells the server whether this is the client's home region (NotePreferred, SPEC §5.3); sent on each change. */
    @Override
    public void notePreferred(final boolean preferred) {
        drain.notePreferred(preferred);
    }

    /** Closes the connection (any thread). {@link DerpNodeListener#onClosed} follows on the loop. Idempotent. */
    @Override
    public void close() {
        loop.execute(closeTask);
    }

    /** The socket's local address, or null before the dial won or once the channel is gone. Any thread. */
    @Override
    public InetAddress localAddress() {
        final Channel ch = channel;
        return ch != null && ch.localAddress() instanceof InetSocketAddress local ? local.getAddress() : null;
    }

    /** True between ServerInfo and close. */
    public boolean isConnected() {
        return state == CONNECTED;
    }

    /** True once closed (or failed). */
    public boolean isClosed() {
        return state == CLOSED;
    }

    /** Completes with the cause when the connection has closed (never exceptionally). */
    public CompletableFuture<Throwable> closeFuture() {
        return closed;
    }

    /** The server's public key: from ServerKey, or from the meta-certificate under fast start; null before. */
    public NodeKey serverKey() {
        return serverKey;
    }

    /** The last ServerInfo, or null before it arrived. */
    public ServerInfo serverInfo() {
        return serverInfo;
    }

    /** True if the handshake used fast start (no 101, no ServerKey read; SPEC §2.6). */
    public boolean usedFastStart() {
        return fastStart;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    /** The connected channel, or null before the dial succeeded (for diagnostics and tests). */
    public Channel channel() {
        return channel;
    }

    public Counters<ClientCounter> counters() {
        return counters;
    }

    public DerpNode node() {
        return node;
    }

    public int regionId() {
        return regionId;
    }

    /** Packets and disco frames queued and not yet written (a snapshot). */
    public int queuedPackets() {
        return outbound.size() + discoOutbound.size();
    }

    @Override
    public String toString() {
        return "DerpNodeConnection{" + description + ", region " + regionId + ", state " + state + '}';
    }

    /** Tests: when bytes last arrived, read on the loop (Long.MIN_VALUE before the handler is on the pipeline). */
    io.netty.util.concurrent.Future<Long> lastReadNsOnLoop() {
        return loop.submit(() -> handler == null ? Long.MIN_VALUE : handler.lastReadNs());
    }

    /** Tests: runs the deadline check once on the loop now (after moving an injected clock). */
    io.netty.util.concurrent.Future<?> checkDeadlinesNow() {
        return loop.submit(tickTask);
    }

    // ---- loop-side wiring, used by the handler ----

    DerpClientSettings settings() {
        return settings;
    }

    OutboundDrain drain() {
        return drain;
    }

    DerpNodeListener listener() {
        return listener;
    }

    InboundRing ring() {
        return ring;
    }

    NodePrivateKey privateKey() {
        return privateKey;
    }

    String hostHeader() {
        return hostHeader;
    }

    String describeNode() {
        return description;
    }

    void received(final long nowNs) {
        lastReceiveNs = nowNs;
        if (!receivedPacket) {
            receivedPacket = true;
        }
    }

    /** True once a RecvPacket arrived on this connection. */
    @Override
    public boolean hasReceivedPacket() {
        return receivedPacket;
    }

    void frameReceived(final long nowNs) {
        lastFrameNs = nowNs;
    }

    void serverKeyKnown(final NodeKey key, final boolean viaFastStart) {
        this.serverKey = key;
        this.fastStart = viaFastStart;
    }

    /** Loop: ServerInfo arrived. */
    void connected(final ServerInfo info) {
        final boolean first = serverInfo == null;
        serverInfo = info;
        if (state == CLOSED) {
            return;
        }
        state = CONNECTED;
        if (first) {
            counters.increment(ClientCounter.CONNECTS);
            LOG.info("connected to {} (region {}{})", description, regionId, fastStart ? ", fast start" : "");
        }
        listener.onConnected(this, info);
        connected.complete(this);
    }

    /** Loop: the connection is over; reports once. */
    void closed(final Throwable cause, final boolean wasConnected) {
        if (state == CLOSED && closed.isDone()) {
            return;
        }
        state = CLOSED;
        if (tick != null) {
            tick.cancel(false);
        }
        counters.increment(wasConnected ? ClientCounter.DISCONNECTS : ClientCounter.CONNECT_FAILURES);
        counters.increment(ClientCounter.closedBy(cause));
        final int unsent = outbound.clear() + discoOutbound.clear();
        if (unsent > 0) {
            counters.add(ClientCounter.DROPPED_UNSENT_AT_CLOSE, unsent);
        }
        LOG.info("connection to {} closed: {}", description, cause.getMessage());
        connected.completeExceptionally(cause);
        try {
            listener.onClosed(this, cause);
        } finally {
            closed.complete(cause);
        }
    }

    private void dialOnLoop() {
        if (state == CLOSED) {
            return;
        }
        connectStartNs = settings.nanoClock.getAsLong();
        lastReceiveNs = connectStartNs;
        lastFrameNs = connectStartNs;
        tick = loop.scheduleAtFixedRate(tickTask, settings.deadlineCheckIntervalNs, settings.deadlineCheckIntervalNs,
            TimeUnit.NANOSECONDS);
        final DerpClientTls tls;
        try {
            tls = DerpClientTls.forSecurity(security, trust);
        } catch (final SSLException e) {
            closed(new DerpConnectionException(DerpConnectionException.Failure.TLS_FAILED,
                "TLS setup for " + description + " failed: " + e.getMessage(), e), false);
            return;
        }
        final long connectTimeoutMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(settings.connectTimeoutNs));
        final Bootstrap bootstrap = new Bootstrap()
            .group(loop)
            .channel(transport.socketChannel())
            .resolver(NoopAddressResolverGroup.INSTANCE) // addresses arrive resolved: never DNS on the loop
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                settings.writeBufferLowWaterMark, settings.writeBufferHighWaterMark))
            .handler(NO_HANDLERS_YET);
        dialer = new NodeDialer(bootstrap, loop, dnsExecutor);
        dialer.dial(node, port, ch -> onDialed(ch, tls), failure -> closed(failure, false));
    }

    private void onDialed(final Channel ch, final DerpClientTls tls) {
        dialer = null;
        if (state == CLOSED || !ch.isActive()) {
            ch.close();
            if (state != CLOSED) {
                closed(new DerpConnectionException(DerpConnectionException.Failure.DIAL_FAILED,
                    "connection to " + description + " closed as it opened"), false);
            }
            return;
        }
        channel = ch;
        final WebSocketStream webSocket = settings.webSocket
            ? new WebSocketStream(node.hostName(), port, tls != null, settings.userAgent, description, counters)
            : null;
        handler = new DerpClientHandler(this, tls != null, webSocket);
        if (tls != null) {
            ch.pipeline().addLast("derp-tls", tls.newHandler(ch.alloc(), port));
        }
        if (webSocket != null) {
            webSocket.addTo(ch, settings.maxResponseHeadBytes);
        }
        ch.pipeline().addLast("derp-client", handler);
    }

    private void tick() {
        final long nowNs = settings.nanoClock.getAsLong();
        if (state != CONNECTED && state != CLOSED && nowNs - connectStartNs > settings.connectTimeoutNs) {
            final DerpConnectionException timeout = new DerpConnectionException(
                DerpConnectionException.Failure.CONNECT_TIMEOUT, "connect to " + description + " took more than "
                    + TimeUnit.NANOSECONDS.toMillis(settings.connectTimeoutNs) + " ms");
            if (handler != null) {
                handler.fail(timeout);
            } else {
                abandonDial(timeout);
            }
        } else if (handler != null) {
            handler.checkDeadlines(nowNs);
        }
    }

    private void closeOnLoop() {
        if (state == CLOSED) {
            return;
        }
        final DerpConnectionException closedLocally = new DerpConnectionException(
            DerpConnectionException.Failure.CLOSED_LOCALLY, "closed by the client");
        if (handler != null) {
            handler.fail(closedLocally);
        } else {
            abandonDial(closedLocally);
        }
    }

    private void abandonDial(final DerpConnectionException cause) {
        if (dialer != null) {
            dialer.cancel();
            dialer = null;
        }
        closed(cause, false);
    }

    /** Everything a connection needs; {@link #build()} checks the required parts. */
    public static final class Builder {
        private Transport transport;
        private EventLoopGroup group;
        private DerpNode node;
        private TransportSecurity security;
        private TrustManagerFactory trust;
        private NodePrivateKey privateKey;
        private InboundRing ring;
        private int regionId;
        private DerpNodeListener listener;
        private DerpClientSettings settings;
        private Counters<ClientCounter> counters;
        private Executor dnsExecutor;

        /** The transport whose channel classes match {@code group} (built by {@code EventLoops.create}). */
        public Builder transport(final Transport transport, final EventLoopGroup group) {
            this.transport = transport;
            this.group = group;
            return this;
        }

        public Builder node(final DerpNode node) {
            this.node = node;
            return this;
        }

        /**
         * Overrides the node's own security ({@link DerpNode#transportSecurity()}); the only way to get
         * {@link TransportSecurity.PlainHttp}, which a map never yields.
         */
        public Builder security(final TransportSecurity security) {
            this.security = security;
            return this;
        }

        /** Trust store for name verification; null (default) = the platform's. */
        public Builder trust(final TrustManagerFactory trust) {
            this.trust = trust;
            return this;
        }

        public Builder privateKey(final NodePrivateKey privateKey) {
            this.privateKey = privateKey;
            return this;
        }

        /** Where received packets go, tagged with {@code regionId}. */
        public Builder ring(final InboundRing ring, final int regionId) {
            this.ring = ring;
            this.regionId = regionId;
            return this;
        }

        public Builder listener(final DerpNodeListener listener) {
            this.listener = listener;
            return this;
        }

        public Builder settings(final DerpClientSettings settings) {
            this.settings = settings;
            return this;
        }

        /** Counters to add to, e.g. shared by every connection of an engine; default: this connection's own. */
        public Builder counters(final Counters<ClientCounter> counters) {
            this.counters = counters;
            return this;
        }

        /** Where blocking DNS lookups run; default Netty's {@code GlobalEventExecutor}. */
        public Builder dnsExecutor(final Executor dnsExecutor) {
            this.dnsExecutor = dnsExecutor;
            return this;
        }

        public DerpNodeConnection build() {
            return new DerpNodeConnection(this);
        }
    }
}
