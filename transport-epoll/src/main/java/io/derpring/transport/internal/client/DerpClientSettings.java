package io.derpring.transport.internal.client;

import static io.derpring.runtime.InvalidConfigException.requireInRange;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.derpring.engine.OutboundOverflow;
import io.derpring.internal.frame.DerpProtocol;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.runtime.InvalidConfigException;

/**
 * Settings of one DERP client connection. Immutable; validated in {@link Builder#build()} so a bad value fails with
 * the setting's name and range. Every time-based rule reads {@link #nanoClock()} and one of these durations, so a test
 * drives time without waiting.
 */
public final class DerpClientSettings {
    /** SPEC §2.6 (derphttp_client.go connect): dial + TLS + HTTP + handshake within 10 s. */
    public static final long DEFAULT_CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** SPEC §1.1 (derp_client.go Recv = recvTimeout(120 s)): no byte for this long and the connection is dead. */
    public static final long DEFAULT_KEEPALIVE_DEADLINE_NS = DerpProtocol.CLIENT_READ_DEADLINE_NS;
    /**
     * derpring choice: bytes that stay unsent this long mean a dead path. Go's client relies on the kernel; its
     * server uses 2 s per frame write (derpserver.go DefaultTCPWiteTimeout). 10 s tolerates a slow but live link.
     */
    public static final long DEFAULT_WRITE_DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);
    /** How often the deadlines above are checked on the event loop; a deadline fires at most this late. */
    public static final long DEFAULT_DEADLINE_CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** SPEC §5.1 / magicsock derpWriteQueueDepth: 32 packets per connection. */
    public static final int DEFAULT_OUTBOUND_QUEUE_DEPTH = 32;
    public static final int MAX_OUTBOUND_QUEUE_DEPTH = 4096;
    /** derpring default: refuse with backpressure; Go drops the oldest (SPEC B65, engine/README.md divergences). */
    public static final OutboundOverflow DEFAULT_OUTBOUND_OVERFLOW = OutboundOverflow.BACK_PRESSURE;
    /**
     * Disco frames queued per connection, apart from data so a data burst never starves them; RS's per-region disco
     * channel holds 8 (SPEC §5.8, B61). Always refuse-newest.
     */
    public static final int DEFAULT_DISCO_QUEUE_DEPTH = 8;
    public static final int MAX_DISCO_QUEUE_DEPTH = 4096;
    /**
     * Initial bytes per outbound slot (the packet; the frame header is written as it drains). 2 KiB holds any
     * WireGuard packet at the usual MTU; a slot grows once (kept) for a larger packet, so the queue's memory stays
     * within depth × 64 KiB.
     */
    public static final int DEFAULT_OUTBOUND_SLOT_CAPACITY = 2048;
    public static final int MIN_OUTBOUND_SLOT_CAPACITY = 64;
    /** Largest SendPacket frame: header + key + MaxPacketSize. */
    public static final int MAX_SEND_FRAME_LENGTH = PacketFlyweight.frameLength(FrameLimits.MAX_PACKET_SIZE);
    /** Netty's defaults (WriteBufferWaterMark.DEFAULT): drain while fewer than 64 KiB are pending. */
    public static final int DEFAULT_WRITE_BUFFER_LOW_WATER_MARK = 32 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK = 64 * 1024;
    /** derpring choice: a 101 head is ~200 bytes; anything near this is not a DERP server. */
    public static final int DEFAULT_MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
    /** Below this not even a bare {@code HTTP/1.1 101} status line and its upgrade headers fit. */
    public static final int MIN_MAX_RESPONSE_HEAD_BYTES = 64;
    public static final int MAX_MAX_RESPONSE_HEAD_BYTES = 1 << 20;
    /** Sent as User-Agent. Go sends {@code Go-http-client/1.1}; servers must not depend on it (vectors note). */
    public static final String DEFAULT_USER_AGENT = "derpring";

    final long connectTimeoutNs;
    final long keepAliveDeadlineNs;
    final long writeDeadlineNs;
    final long deadlineCheckIntervalNs;
    final int outboundQueueDepth;
    final OutboundOverflow outboundOverflow;
    final int discoQueueDepth;
    final int outboundSlotCapacity;
    final int writeBufferLowWaterMark;
    final int writeBufferHighWaterMark;
    final int maxResponseHeadBytes;
    final String userAgent;
    final String idealNodeName;
    final LongSupplier nanoClock;
    final boolean fastStartAllowed;
    final NodeKey forcedFastStartServerKey;
    final boolean webSocket;

    private DerpClientSettings(final Builder b) {
        this.connectTimeoutNs = positive("connect timeout (ns)", b.connectTimeoutNs);
        this.keepAliveDeadlineNs = positive("keepalive deadline (ns)", b.keepAliveDeadlineNs);
        this.writeDeadlineNs = positive("write deadline (ns)", b.writeDeadlineNs);
        this.deadlineCheckIntervalNs = positive("deadline check interval (ns)", b.deadlineCheckIntervalNs);
        this.outboundQueueDepth = requireInRange("outbound queue depth", b.outboundQueueDepth, 1,
            MAX_OUTBOUND_QUEUE_DEPTH);
        this.outboundOverflow = Objects.requireNonNull(b.outboundOverflow, "outbound overflow");
        this.discoQueueDepth = requireInRange("disco queue depth", b.discoQueueDepth, 1, MAX_DISCO_QUEUE_DEPTH);
        this.outboundSlotCapacity = requireInRange("outbound slot capacity (bytes)", b.outboundSlotCapacity,
            MIN_OUTBOUND_SLOT_CAPACITY, MAX_SEND_FRAME_LENGTH);
        this.writeBufferLowWaterMark = requireInRange("write buffer low water mark (bytes)",
            b.writeBufferLowWaterMark, 1, Integer.MAX_VALUE);
        this.writeBufferHighWaterMark = requireInRange("write buffer high water mark (bytes)",
            b.writeBufferHighWaterMark, b.writeBufferLowWaterMark, Integer.MAX_VALUE);
        this.maxResponseHeadBytes = requireInRange("max HTTP response head (bytes)", b.maxResponseHeadBytes,
            MIN_MAX_RESPONSE_HEAD_BYTES, MAX_MAX_RESPONSE_HEAD_BYTES);
        this.userAgent = requireHeaderValue("user agent", b.userAgent);
        this.idealNodeName = b.idealNodeName == null ? null : requireHeaderValue("Ideal-Node", b.idealNodeName);
        this.nanoClock = Objects.requireNonNull(b.nanoClock, "nano clock");
        this.fastStartAllowed = b.fastStartAllowed;
        this.forcedFastStartServerKey = b.forcedFastStartServerKey;
        this.webSocket = b.webSocket;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        final Builder b = new Builder();
        b.connectTimeoutNs = connectTimeoutNs;
        b.keepAliveDeadlineNs = keepAliveDeadlineNs;
        b.writeDeadlineNs = writeDeadlineNs;
        b.deadlineCheckIntervalNs = deadlineCheckIntervalNs;
        b.outboundQueueDepth = outboundQueueDepth;
        b.outboundOverflow = outboundOverflow;
        b.discoQueueDepth = discoQueueDepth;
        b.outboundSlotCapacity = outboundSlotCapacity;
        b.writeBufferLowWaterMark = writeBufferLowWaterMark;
        b.writeBufferHighWaterMark = writeBufferHighWaterMark;
        b.maxResponseHeadBytes = maxResponseHeadBytes;
        b.userAgent = userAgent;
        b.idealNodeName = idealNodeName;
        b.nanoClock = nanoClock;
        b.fastStartAllowed = fastStartAllowed;
        b.forcedFastStartServerKey = forcedFastStartServerKey;
        b.webSocket = webSocket;
        return b;
    }

    public static DerpClientSettings defaults() {
        return builder().build();
    }

    public long connectTimeoutNs() {
        return connectTimeoutNs;
    }

    public long keepAliveDeadlineNs() {
        return keepAliveDeadlineNs;
    }

    public long writeDeadlineNs() {
        return writeDeadlineNs;
    }

    public long deadlineCheckIntervalNs() {
        return deadlineCheckIntervalNs;
    }

    public int outboundQueueDepth() {
        return outboundQueueDepth;
    }

    public OutboundOverflow outboundOverflow() {
        return outboundOverflow;
    }

    public int discoQueueDepth() {
        return discoQueueDepth;
    }

    public int outboundSlotCapacity() {
        return outboundSlotCapacity;
    }

    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    public int maxResponseHeadBytes() {
        return maxResponseHeadBytes;
    }

    public String userAgent() {
        return userAgent;
    }

    /** {@code Region.Nodes[0].Name} when dialing another node of the region, else null (no Ideal-Node header). */
    public String idealNodeName() {
        return idealNodeName;
    }

    public LongSupplier nanoClock() {
        return nanoClock;
    }

    public boolean fastStartAllowed() {
        return fastStartAllowed;
    }

    /** The server key a test forces fast start with (plain mode), or null. */
    public NodeKey forcedFastStartServerKey() {
        return forcedFastStartServerKey;
    }

    /** True to speak DERP inside WebSocket binary messages ({@code ws://} / {@code wss://}) instead of Upgrade: DERP. */
    public boolean webSocket() {
        return webSocket;
    }

    private static long positive(final String setting, final long value) {
        if (value <= 0) {
            throw new InvalidConfigException(setting + " = " + value + " must be positive");
        }
        return value;
    }

    /** A header value goes on the wire as is: CR or LF in it would let a setting inject headers. */
    private static String requireHeaderValue(final String setting, final String value) {
        Objects.requireNonNull(value, setting);
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidConfigException(setting + " must be printable ASCII, got char 0x"
                    + Integer.toHexString(c) + " at " + i);
            }
        }
        return value;
    }

    /** Defaults are the constants above; {@link #build()} validates. */
    public static final class Builder {
        private long connectTimeoutNs = DEFAULT_CONNECT_TIMEOUT_NS;
        private long keepAliveDeadlineNs = DEFAULT_KEEPALIVE_DEADLINE_NS;
        private long writeDeadlineNs = DEFAULT_WRITE_DEADLINE_NS;
        private long deadlineCheckIntervalNs = DEFAULT_DEADLINE_CHECK_INTERVAL_NS;
        private int outboundQueueDepth = DEFAULT_OUTBOUND_QUEUE_DEPTH;
        private OutboundOverflow outboundOverflow = DEFAULT_OUTBOUND_OVERFLOW;
        private int discoQueueDepth = DEFAULT_DISCO_QUEUE_DEPTH;
        private int outboundSlotCapacity = DEFAULT_OUTBOUND_SLOT_CAPACITY;
        private int writeBufferLowWaterMark = DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;
        private int writeBufferHighWaterMark = DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;
        private int maxResponseHeadBytes = DEFAULT_MAX_RESPONSE_HEAD_BYTES;
        private String userAgent = DEFAULT_USER_AGENT;
        private String idealNodeName;
        private LongSupplier nanoClock = System::nanoTime;
        private boolean fastStartAllowed = true;
        private NodeKey forcedFastStartServerKey;
        private boolean webSocket;

        public Builder connectTimeout(final long duration, final TimeUnit unit) {
            this.connectTimeoutNs = unit.toNanos(duration);
            return this;
        }

        public Builder keepAliveDeadline(final long duration, final TimeUnit unit) {
            this.keepAliveDeadlineNs = unit.toNanos(duration);
            return this;
        }

        public Builder writeDeadline(final long duration, final TimeUnit unit) {
            this.writeDeadlineNs = unit.toNanos(duration);
            return this;
        }

        public Builder deadlineCheckInterval(final long duration, final TimeUnit unit) {
            this.deadlineCheckIntervalNs = unit.toNanos(duration);
            return this;
        }

        public Builder outboundQueueDepth(final int packets) {
            this.outboundQueueDepth = packets;
            return this;
        }

        /** What a full outbound queue does: refuse with backpressure (default) or drop the oldest (Go, B65). */
        public Builder outboundOverflow(final OutboundOverflow overflow) {
            this.outboundOverflow = overflow;
            return this;
        }

        public Builder discoQueueDepth(final int frames) {
            this.discoQueueDepth = frames;
            return this;
        }

        public Builder outboundSlotCapacity(final int bytes) {
            this.outboundSlotCapacity = bytes;
            return this;
        }

        public Builder writeBufferWaterMarks(final int lowBytes, final int highBytes) {
            this.writeBufferLowWaterMark = lowBytes;
            this.writeBufferHighWaterMark = highBytes;
            return this;
        }

        public Builder maxResponseHeadBytes(final int bytes) {
            this.maxResponseHeadBytes = bytes;
            return this;
        }

        public Builder userAgent(final String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /** Sends {@code Ideal-Node: name}: set it to {@code Region.Nodes[0].Name} when dialing a later node. */
        public Builder idealNodeName(final String name) {
            this.idealNodeName = name;
            return this;
        }

        /** The clock every deadline reads (nanoseconds, monotonic). Tests inject a manual clock. */
        public Builder nanoClock(final LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
            return this;
        }

        /** Allows fast start when the TLS 1.3 peer chain carries the DERP meta-certificate (SPEC §2.6); default on. */
        public Builder fastStartAllowed(final boolean allowed) {
            this.fastStartAllowed = allowed;
            return this;
        }

        /**
         * Tests only: use fast start with this server key even without TLS (no 101 wait, no ServerKey read), as if
         * the meta-certificate had been seen.
         */
        public Builder forceFastStartForTests(final NodeKey serverKey) {
            this.forcedFastStartServerKey = serverKey;
            return this;
        }

        /**
         * DERP over WebSocket (Go {@code derphttp} with a {@code ws://} / {@code wss://} URL): the connection upgrades
         * with {@code Upgrade: websocket} and {@code Sec-WebSocket-Protocol: derp} and carries DERP in binary
         * messages, for networks whose proxies break {@code Upgrade: DERP}. Never fast start, as in Go. Default off.
         */
        public Builder webSocket(final boolean webSocket) {
            this.webSocket = webSocket;
            return this;
        }

        public DerpClientSettings build() {
            return new DerpClientSettings(this);
        }
    }
}
