package io.derpring.transport.engine;

import static io.derpring.runtime.InvalidConfigException.requireInRange;
import static io.derpring.runtime.InvalidConfigException.requirePowerOfTwo;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.net.ssl.TrustManagerFactory;

import io.derpring.dataplane.Dataplane;
import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.ReconnectSchedule;
import io.derpring.engine.RingFullPolicy;
import io.derpring.engine.StageThreading;
import io.derpring.engine.WaitStrategyChoice;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.internal.region.RegionSettings;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.region.RegionListener;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.derpring.transport.internal.engine.NettyTransportSettings;
import io.netty.channel.EventLoopGroup;

/**
 * Every setting of a {@link NettyDerpEngine}, in the style of Aeron's {@code Context}: one fluent method per setting,
 * each with a default, each validated when called. A value out of range throws {@link InvalidConfigException} at the
 * call, naming the method, the value and the allowed range; settings that depend on each other (ring size × slot
 * capacity, trust store × TLS mode, a given event loop group × thread settings) are checked in {@link #build()}, with
 * both methods named. Only {@link #keys} and {@link #dataplane} are required.
 *
 * <p>Not thread-safe: configure on one thread, then {@link #build()} once.
 */
public final class NettyDerpEngineBuilder {
    /** Duration settings are kept in nanoseconds; a longer duration would overflow the {@code long}. */
    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private NodePrivateKey nodeKey;
    private DiscoPrivateKey discoKey;
    private Dataplane dataplane;
    private RegionListener listener;

    private boolean ipv6Candidates;
    private int discoKeyCache = DerpEngineConfig.DEFAULT_DISCO_KEY_CACHE;
    private Duration conductorIdlePark = DerpEngineConfig.DEFAULT_CONDUCTOR_IDLE_PARK;
    private Duration connectedTimeout = DerpEngineConfig.DEFAULT_CONNECT_TIMEOUT;

    private Duration idleTimeout = RegionSettings.DEFAULT_IDLE_TIMEOUT;
    private ReconnectSchedule reconnectSchedule = ReconnectSchedule.GO;
    private int connectingQueueDepth = RegionSettings.DEFAULT_OUTBOUND_QUEUE_DEPTH;
    private int discoQueueDepth = RegionSettings.DEFAULT_DISCO_QUEUE_DEPTH;
    private OutboundOverflow outboundOverflow = RegionSettings.DEFAULT_OUTBOUND_OVERFLOW;
    private Duration minStableConnection = RegionSettings.DEFAULT_MIN_STABLE_CONNECTION;

    private final InboundRingConfig.Builder ring = InboundRingConfig.builder();
    private int ringSize = InboundRingConfig.DEFAULT_RING_SIZE;
    private int ringSlotCapacity = InboundRingConfig.DEFAULT_SLOT_CAPACITY;

    private final NettyTransportSettings.Builder transportSettings = NettyTransportSettings.builder();
    private Transport transport;
    private boolean ioThreadsSet;
    private boolean pinIoThreadsSet;
    private TlsMode tls = TlsMode.FROM_MAP;
    private TrustManagerFactory trust;
    private EventLoopGroup eventLoopGroup;

    private final DerpClientSettings.Builder client = DerpClientSettings.builder();

    NettyDerpEngineBuilder() {
    }

    // ---- required parts ----

    /** Our node key (the DERP handshake) and disco key (relayed CallMeMaybe). Required; no default. */
    public NettyDerpEngineBuilder keys(final NodePrivateKey nodeKey, final DiscoPrivateKey discoKey) {
        this.nodeKey = Objects.requireNonNull(nodeKey, "keys: node key");
        this.discoKey = Objects.requireNonNull(discoKey, "keys: disco key");
        return this;
    }

    /** Where relayed packets go; called on the inbound stage thread. Required; no default. */
    public NettyDerpEngineBuilder dataplane(final Dataplane dataplane) {
        this.dataplane = Objects.requireNonNull(dataplane, "dataplane");
        return this;
    }

    /** Region lifecycle events, called on the conductor thread. Optional; default none. */
    public NettyDerpEngineBuilder listener(final RegionListener listener) {
        this.listener = listener;
        return this;
    }

    // ---- engine ----

    /** Accept IPv6 endpoints from CallMeMaybe (SPEC §5.7). Default {@code false}. */
    public NettyDerpEngineBuilder ipv6Candidates(final boolean accept) {
        this.ipv6Candidates = accept;
        return this;
    }

    /**
     * Peers whose disco box key is kept, so X25519 runs once per peer. Default 4096; a power of two in [16, 2^20].
     */
    public NettyDerpEngineBuilder discoKeyCache(final int peers) {
        this.discoKeyCache = requirePowerOfTwo("discoKeyCache", peers, DerpEngineConfig.MIN_DISCO_KEY_CACHE,
            DerpEngineConfig.MAX_DISCO_KEY_CACHE);
        return this;
    }

    /**
     * The longest the idle conductor parks between duty cycles: the worst-case delay before a woken region dials or a
     * map or home change applies, traded against idle CPU (1.75% / 0.33% / 0.04% of a core at 1 / 10 / 100 ms,
     * perf-results/2026-11-30-conductor-idle-park-jdk17). Default 1 ms; range [1 µs, 1 s].
     */
    public NettyDerpEngineBuilder conductorIdlePark(final Duration park) {
        this.conductorIdlePark = requireDuration("conductorIdlePark", park, DerpEngineConfig.MIN_CONDUCTOR_IDLE_PARK,
            DerpEngineConfig.MAX_CONDUCTOR_IDLE_PARK);
        return this;
    }

    /**
     * How long {@link NettyDerpEngine#connected()} waits for the home region's first ServerInfo, counted from the
     * first home region selected; then it fails with the last connection error. Not the TCP connect timeout of one
     * dial ({@link #connectTimeout}). Default 10 s; range [1 ms, 24 h].
     */
    public NettyDerpEngineBuilder connectedTimeout(final Duration timeout) {
        this.connectedTimeout = requireDuration("connectedTimeout", timeout, DerpEngineConfig.MIN_CONNECT_TIMEOUT,
            DerpEngineConfig.MAX_CONNECT_TIMEOUT);
        return this;
    }

    // ---- regions (SPEC §5.1) ----

    /**
     * A non-home region closes after this long with no send or receive. Default 60 s (Go); range [100 ms, 24 h].
     */
    public NettyDerpEngineBuilder idleTimeout(final Duration timeout) {
        this.idleTimeout = requireDuration("idleTimeout", timeout, RegionSettings.MIN_IDLE_TIMEOUT,
            RegionSettings.MAX_IDLE_TIMEOUT);
        return this;
    }

    /**
     * How long a connection must live (or receive a packet) before it resets the reconnect backoff. ServerInfo alone
     * does not: a relay that completes the handshake and then fails every connection is redialed on the backoff
     * curve, not every few milliseconds. Default 10 s; range [0, 24 h] (0: reset at ServerInfo).
     */
    public NettyDerpEngineBuilder minStableConnection(final Duration minStable) {
        this.minStableConnection = requireDuration("minStableConnection", minStable, Duration.ZERO,
            RegionSettings.MAX_MIN_STABLE_CONNECTION);
        return this;
    }

    /** The backoff between failed connects to a region. Default {@link ReconnectSchedule#GO}. */
    public NettyDerpEngineBuilder reconnectSchedule(final ReconnectSchedule schedule) {
        this.reconnectSchedule = Objects.requireNonNull(schedule, "reconnectSchedule");
        return this;
    }

    /**
     * Packets queued per region while it connects (Go derpWriteQueueDepth). Default 32; range [1, 4096].
     */
    public NettyDerpEngineBuilder connectingQueueDepth(final int packets) {
        this.connectingQueueDepth = requireInRange("connectingQueueDepth", packets, 1,
            RegionSettings.MAX_QUEUE_DEPTH);
        return this;
    }

    /**
     * Disco frames queued per region while it connects, and in each connection's own disco queue (drained before
     * data, so a data burst never starves disco). Default 8; range [1, 4096].
     */
    public NettyDerpEngineBuilder discoQueueDepth(final int frames) {
        this.discoQueueDepth = requireInRange("discoQueueDepth", frames, 1, RegionSettings.MAX_QUEUE_DEPTH);
        client.discoQueueDepth(frames);
        return this;
    }

    /**
     * What a full outbound queue does, the region's pending queue and each connection's data queue alike:
     * {@link OutboundOverflow#BACK_PRESSURE} (default) refuses the packet with {@code SendResult.BACK_PRESSURED} and
     * drops nothing; {@link OutboundOverflow#DROP_OLDEST} is Go magicsock's rule (SPEC B65): the oldest queued packet
     * is dropped and counted, and the send is accepted.
     */
    public NettyDerpEngineBuilder outboundOverflow(final OutboundOverflow overflow) {
        this.outboundOverflow = Objects.requireNonNull(overflow, "outboundOverflow");
        return this;
    }

    // ---- inbound ring (SPEC §5.4–§5.6) ----

    /**
     * Slots in the inbound ring. Default 1024; a power of two in [2, 2^20], and {@code ringSize × ringSlotCapacity}
     * at most {@code Integer.MAX_VALUE} bytes (the slots are one buffer; checked in {@link #build()}).
     */
    public NettyDerpEngineBuilder ringSize(final int slots) {
        this.ringSize = requirePowerOfTwo("ringSize", slots, InboundRingConfig.MIN_RING_SIZE,
            InboundRingConfig.MAX_RING_SIZE);
        return this;
    }

    /**
     * Bytes per ring slot; a larger packet takes a spill buffer. Default 2048; range [256, 65536].
     */
    public NettyDerpEngineBuilder ringSlotCapacity(final int bytes) {
        this.ringSlotCapacity = requireInRange("ringSlotCapacity", bytes, InboundRingConfig.MIN_SLOT_CAPACITY,
            InboundRingConfig.MAX_PACKET_LENGTH);
        return this;
    }

    /**
     * 64 KiB buffers for packets larger than a slot; 0 drops them (counted). Default 8; range [0, 1024].
     */
    public NettyDerpEngineBuilder spillBuffers(final int count) {
        ring.spillBuffers(requireInRange("spillBuffers", count, 0, InboundRingConfig.MAX_SPILL_BUFFERS));
        return this;
    }

    /** What happens when the ring is full. Default {@link RingFullPolicy#BACKPRESSURE} (loss-free). */
    public NettyDerpEngineBuilder ringFullPolicy(final RingFullPolicy policy) {
        ring.fullPolicy(Objects.requireNonNull(policy, "ringFullPolicy"));
        return this;
    }

    /**
     * How the three inbound stages map onto threads. Default {@link StageThreading#FUSED} (one thread).
     * {@link StageThreading#INVOKED} starts no stage or conductor thread: start the engine with
     * {@link NettyDerpEngine#startInvoker()} and call the returned invoker from your own duty cycle.
     */
    public NettyDerpEngineBuilder stageThreading(final StageThreading threading) {
        ring.threading(Objects.requireNonNull(threading, "stageThreading"));
        return this;
    }

    /**
     * Makes the ring's stage thread(s), e.g. to pin them or put them in a thread group. Default: the ring's own daemon
     * threads, or with {@link #pinIoThreads} on, the transport's pinning factory (the stage thread is pinned like the
     * I/O loops).
     */
    public NettyDerpEngineBuilder stageThreadFactory(final ThreadFactory factory) {
        ring.stageThreadFactory(Objects.requireNonNull(factory, "stageThreadFactory"));
        return this;
    }

    /** How an idle stage thread waits. Default {@link WaitStrategyChoice#BLOCKING} (no CPU while idle). */
    public NettyDerpEngineBuilder waitStrategy(final WaitStrategyChoice strategy) {
        ring.waitStrategy(Objects.requireNonNull(strategy, "waitStrategy"));
        return this;
    }

    /**
     * Claim ring slots without a CAS. Only safe when exactly one thread ever offers, i.e. with {@code ioThreads(1)}
     * or a one-loop {@link #eventLoopGroup}; two producers would corrupt the ring. Default {@code false}.
     */
    public NettyDerpEngineBuilder singleProducerRing(final boolean singleProducer) {
        ring.singleProducer(singleProducer);
        return this;
    }

    // ---- Netty transport ----

    /**
     * The Netty transport. Default: the best available ({@link Transport#detect()}: io_uring, epoll, NIO); a forced
     * one must be available here. With {@link #eventLoopGroup} it must match the group's.
     */
    public NettyDerpEngineBuilder transport(final Transport transport) {
        Objects.requireNonNull(transport, "transport");
        if (!transport.isAvailable()) {
            throw new InvalidConfigException("transport = " + transport.cliName() + " is not available here: "
                + transport.unavailabilityCause());
        }
        this.transport = transport;
        return this;
    }

    /**
     * I/O threads of the engine's own event loop group. Default: one per core; range
     * [1, 1024]. Not with {@link #eventLoopGroup}.
     */
    public NettyDerpEngineBuilder ioThreads(final int threads) {
        transportSettings.ioThreads(requireInRange("ioThreads", threads, 1, NettyTransportSettings.MAX_IO_THREADS));
        this.ioThreadsSet = true;
        return this;
    }

    /**
     * Pin each I/O thread to its own core (OpenHFT affinity; unpinned with a warning where unsupported). Default
     * {@code false}: pinning only pays with dedicated cores. Not with {@link #eventLoopGroup}.
     */
    public NettyDerpEngineBuilder pinIoThreads(final boolean pin) {
        transportSettings.pinThreads(pin);
        this.pinIoThreadsSet = true;
        return this;
    }

    /**
     * Run every connection on this group instead of creating one. The engine neither owns nor closes it: closing the
     * engine closes its connections and leaves the group running. Must be a Netty 4.2 {@code IoEventLoopGroup} of
     * io_uring, epoll or NIO. Default: none (the engine creates, owns and shuts down its own group).
     */
    public NettyDerpEngineBuilder eventLoopGroup(final EventLoopGroup group) {
        this.eventLoopGroup = Objects.requireNonNull(group, "eventLoopGroup");
        return this;
    }

    /** How connections are secured. Default {@link TlsMode#FROM_MAP} (each node's security, SPEC §5.10). */
    public NettyDerpEngineBuilder tls(final TlsMode mode) {
        this.tls = Objects.requireNonNull(mode, "tls");
        return this;
    }

    /**
     * Trust store for certificate name verification; only with {@link TlsMode#FROM_MAP}. Default: the platform's.
     */
    public NettyDerpEngineBuilder trust(final TrustManagerFactory trust) {
        this.trust = Objects.requireNonNull(trust, "trust");
        return this;
    }

    /**
     * How the engine's own event loop group stops on close: a quiet period and a bound on the wait. Defaults 0 and
     * 5 s; timeout in (0, 60 s], quiet period in [0, timeout]. Unused with {@link #eventLoopGroup}.
     */
    public NettyDerpEngineBuilder shutdown(final Duration quietPeriod, final Duration timeout) {
        Objects.requireNonNull(quietPeriod, "shutdown: quiet period");
        Objects.requireNonNull(timeout, "shutdown: timeout");
        if (timeout.isNegative() || timeout.isZero()
            || timeout.compareTo(NettyTransportSettings.MAX_SHUTDOWN_TIMEOUT) > 0) {
            throw new InvalidConfigException("shutdown timeout = " + timeout + " is outside (0, "
                + NettyTransportSettings.MAX_SHUTDOWN_TIMEOUT + "]");
        }
        if (quietPeriod.isNegative() || quietPeriod.compareTo(timeout) > 0) {
            throw new InvalidConfigException("shutdown quietPeriod = " + quietPeriod + " is outside [0, " + timeout
                + " (the timeout)]");
        }
        transportSettings.shutdown(quietPeriod, timeout);
        return this;
    }

    // ---- each connection (SPEC §2.6, §1.1) ----

    /** Dial, TLS, HTTP upgrade and handshake must finish within this. Default 10 s (Go); any positive duration. */
    public NettyDerpEngineBuilder connectTimeout(final Duration timeout) {
        client.connectTimeout(requirePositive("connectTimeout", timeout), TimeUnit.NANOSECONDS);
        return this;
    }

    /** No byte received for this long and the connection is dead. Default 120 s (Go); any positive duration. */
    public NettyDerpEngineBuilder keepAliveDeadline(final Duration deadline) {
        client.keepAliveDeadline(requirePositive("keepAliveDeadline", deadline), TimeUnit.NANOSECONDS);
        return this;
    }

    /** Bytes left unsent this long mean a dead path. Default 10 s; any positive duration. */
    public NettyDerpEngineBuilder writeDeadline(final Duration deadline) {
        client.writeDeadline(requirePositive("writeDeadline", deadline), TimeUnit.NANOSECONDS);
        return this;
    }

    /** How often the deadlines are checked; one fires at most this late. Default 1 s; any positive duration. */
    public NettyDerpEngineBuilder deadlineCheckInterval(final Duration interval) {
        client.deadlineCheckInterval(requirePositive("deadlineCheckInterval", interval), TimeUnit.NANOSECONDS);
        return this;
    }

    /**
     * Packets queued per live connection for its event loop to write. Default 32 (Go derpWriteQueueDepth); range
     * [1, 4096].
     */
    public NettyDerpEngineBuilder connectionQueueDepth(final int packets) {
        client.outboundQueueDepth(requireInRange("connectionQueueDepth", packets, 1,
            DerpClientSettings.MAX_OUTBOUND_QUEUE_DEPTH));
        return this;
    }

    /**
     * Initial bytes per connection queue slot (a whole SendPacket frame); a slot grows once for a larger packet.
     * Default 2048; range [64, the SendPacket frame of the largest packet].
     */
    public NettyDerpEngineBuilder connectionSlotCapacity(final int bytes) {
        client.outboundSlotCapacity(requireInRange("connectionSlotCapacity", bytes,
            DerpClientSettings.MIN_OUTBOUND_SLOT_CAPACITY, DerpClientSettings.MAX_SEND_FRAME_LENGTH));
        return this;
    }

    /**
     * The socket's write buffer water marks: a connection stops draining its queue above {@code high} and resumes
     * below {@code low}. Defaults 32 KiB and 64 KiB (Netty's); {@code 1 <= low <= high}.
     */
    public NettyDerpEngineBuilder writeBufferWaterMarks(final int lowBytes, final int highBytes) {
        requireInRange("writeBufferWaterMarks low", lowBytes, 1, Integer.MAX_VALUE);
        requireInRange("writeBufferWaterMarks high", highBytes, lowBytes, Integer.MAX_VALUE);
        client.writeBufferWaterMarks(lowBytes, highBytes);
        return this;
    }

    /**
     * The largest HTTP response head accepted before the upgrade; more is not a DERP server. Default 16 KiB; range
     * [64, 1 MiB].
     */
    public NettyDerpEngineBuilder maxResponseHeadBytes(final int bytes) {
        client.maxResponseHeadBytes(requireInRange("maxResponseHeadBytes", bytes,
            DerpClientSettings.MIN_MAX_RESPONSE_HEAD_BYTES, DerpClientSettings.MAX_MAX_RESPONSE_HEAD_BYTES));
        return this;
    }

    /** Sent as User-Agent on the upgrade request. Default {@code derpring}; printable ASCII only. */
    public NettyDerpEngineBuilder userAgent(final String userAgent) {
        Objects.requireNonNull(userAgent, "userAgent");
        for (int i = 0; i < userAgent.length(); i++) {
            final char c = userAgent.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidConfigException("userAgent must be printable ASCII, got char 0x"
                    + Integer.toHexString(c) + " at " + i);
            }
        }
        client.userAgent(userAgent);
        return this;
    }

    /**
     * Skip the 101 wait when the TLS 1.3 peer chain carries the DERP meta-certificate (SPEC §2.6). Default
     * {@code true}.
     */
    public NettyDerpEngineBuilder fastStart(final boolean allowed) {
        client.fastStartAllowed(allowed);
        return this;
    }

    /**
     * DERP over WebSocket for every connection, as Go's client does for a {@code ws://} / {@code wss://} URL: each
     * upgrades {@code GET /derp} with {@code Upgrade: websocket} and {@code Sec-WebSocket-Protocol: derp} and carries
     * DERP in binary messages, for networks whose proxies break {@code Upgrade: DERP}. {@code wss://} or {@code ws://}
     * follows {@link #tls}. No fast start over WebSocket (Go reads ServerKey there too). Default {@code false}.
     */
    public NettyDerpEngineBuilder webSocket(final boolean webSocket) {
        client.webSocket(webSocket);
        return this;
    }

    /**
     * The monotonic nanosecond clock every connection deadline reads. Default {@link System#nanoTime()}; tests
     * inject a manual clock.
     */
    public NettyDerpEngineBuilder nanoClock(final LongSupplier clock) {
        client.nanoClock(Objects.requireNonNull(clock, "nanoClock"));
        return this;
    }

    /**
     * Tests only: fast start with this server key even over plain HTTP, as if the meta-certificate had been seen.
     * Default: none.
     */
    public NettyDerpEngineBuilder forceFastStartForTests(final NodeKey serverKey) {
        client.forceFastStartForTests(Objects.requireNonNull(serverKey, "forceFastStartForTests"));
        return this;
    }

    /**
     * Checks the settings that depend on each other and the required parts, then builds: the engine's threads start
     * with {@link NettyDerpEngine#start()}.
     *
     * @throws InvalidConfigException a combination of settings is invalid (the message names the methods)
     * @throws NullPointerException   {@link #keys} or {@link #dataplane} was not given
     */
    public NettyDerpEngine build() {
        Objects.requireNonNull(nodeKey, "node key: call keys(nodeKey, discoKey)");
        Objects.requireNonNull(dataplane, "dataplane: call dataplane(dataplane)");
        if ((long) ringSize * ringSlotCapacity > InboundRingConfig.MAX_SLAB_BYTES) {
            throw new InvalidConfigException("ringSize x ringSlotCapacity = " + ringSize + " x " + ringSlotCapacity
                + " = " + (long) ringSize * ringSlotCapacity + " bytes must be <= " + InboundRingConfig.MAX_SLAB_BYTES
                + " (the slots are one direct buffer)");
        }
        if (trust != null && tls != TlsMode.FROM_MAP) {
            throw new InvalidConfigException("trust(...) was given but tls = " + tls
                + ": certificates are not verified in that mode");
        }
        final Transport resolved = resolveTransport();
        final DerpEngineConfig config = new DerpEngineConfig(
            new RegionSettings(idleTimeout.toNanos(), reconnectSchedule, connectingQueueDepth, discoQueueDepth,
                outboundOverflow, minStableConnection.toNanos()),
            ring.ringSize(ringSize).slotCapacity(ringSlotCapacity).build(), ipv6Candidates, discoKeyCache,
            conductorIdlePark.toNanos(), connectedTimeout);
        final NettyTransportSettings settings = transportSettings.transport(resolved).tls(tls).trust(trust)
            .client(client.build()).build();
        return new NettyDerpEngine(config, settings, eventLoopGroup, nodeKey, discoKey, dataplane, listener);
    }

    /** The transport to dial with: a given group's own, the forced one, or the best available. */
    private Transport resolveTransport() {
        if (eventLoopGroup == null) {
            return transport != null ? transport : Transport.detect();
        }
        if (ioThreadsSet || pinIoThreadsSet) {
            throw new InvalidConfigException("ioThreads/pinIoThreads size the engine's own group: not with "
                + "eventLoopGroup(...), whose threads the embedder made");
        }
        final Transport ofGroup = EventLoops.transportOf(eventLoopGroup);
        if (transport != null && transport != ofGroup) {
            throw new InvalidConfigException("transport = " + transport.cliName() + " but eventLoopGroup(...) runs "
                + ofGroup.cliName());
        }
        return ofGroup;
    }

    private static Duration requireDuration(final String setting, final Duration value, final Duration min,
                                            final Duration max) {
        Objects.requireNonNull(value, setting);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidConfigException(setting + " = " + value + " is outside [" + min + ", " + max + "]");
        }
        return value;
    }

    private static long requirePositive(final String setting, final Duration value) {
        Objects.requireNonNull(value, setting);
        if (value.isNegative() || value.isZero() || value.compareTo(MAX_NANOS) > 0) {
            throw new InvalidConfigException(setting + " = " + value + " is outside (0, " + MAX_NANOS + "]");
        }
        return value.toNanos();
    }
}
