package io.derpring.internal.relay;

import io.derpring.relay.DuplicatePolicy;

import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.DerpProtocol;
import io.derpring.keys.MeshKey;
import io.derpring.runtime.InvalidConfigException;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * The relay's settings: each has a named default with its upstream source and a checked range. Immutable; build
 * with {@link #builder()}. Time is read from an injectable {@link NanoClock} and jitter from a seeded generator, so
 * tests drive timers without waiting.
 */
public final class RelayConfig {
    /** derpserver.go {@code defaultPerClientSendQueueDepth}: 32 packets, per queue (data and disco each). */
    public static final int DEFAULT_QUEUE_DEPTH = 32;
    public static final int MIN_QUEUE_DEPTH = 1;
    public static final int MAX_QUEUE_DEPTH = 1 << 16;
    /** derpserver.go {@code sendPkt}: three tries of (enqueue, else drop the head) before dropping the new packet. */
    public static final int SEND_ATTEMPTS = 3;
    /**
     * Queue depth of an outgoing mesh link (each of its two queues). A link carries the traffic of every client of
     * the region that talks across relays, so it gets far more room than one client's 32; the shard's queued-bytes
     * budget still bounds its memory. Go has no queue here: its forwarder writes under a lock and the sender waits.
     */
    public static final int MESH_LINK_QUEUE_DEPTH = 4096;
    /** derpserver.go {@code peerGoneLim}: {@code rate.NewLimiter(rate.Every(time.Second), 3)}. */
    public static final int NOT_HERE_BURST = 3;
    public static final long NOT_HERE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * derpserver.go {@code DefaultTCPWiteTimeout} (derper {@code --tcp-write-timeout}): 2 s for each frame to leave;
     * the clock restarts whenever a whole frame has left.
     */
    public static final long DEFAULT_WRITE_DEADLINE_NS = TimeUnit.SECONDS.toNanos(2);
    /** derpserver.go {@code privilegedWriteTimeout}: 30 s for clients that presented the mesh key. */
    public static final long DEFAULT_MESH_WRITE_DEADLINE_NS = TimeUnit.SECONDS.toNanos(30);
    /** derpring: PeerGone frames waiting for one client; beyond this they are counted and dropped. */
    public static final int DEFAULT_PEER_GONE_QUEUE_DEPTH = 1024;
    /** derpring: packets in flight from other shards to one shard's loop (a power of two). */
    public static final int DEFAULT_MAILBOX_CAPACITY = 8192;
    /** derpring: frame bytes one shard may hold in its clients' queues. */
    public static final long DEFAULT_MAX_QUEUED_BYTES_PER_SHARD = 64L << 20;
    /** derpserver.go {@code RateConfig}: 0 turns the per-client receive rate limit off (the default, as in derper). */
    public static final long UNLIMITED_RATE = 0;
    /** derpring: the largest per-client receive rate or burst accepted, 1 TiB(/s); beyond it, use {@link #UNLIMITED_RATE}. */
    public static final long MAX_RATE_LIMIT_BYTES = 1L << 40;
    /**
     * derpring: how long reading a sender may stay paused because a destination it wrote to is backlogged (its queue
     * half full, its socket not writable). Reading a packet only to drop it at that queue is the overload waste; the
     * bound keeps the sender's other destinations from waiting longer than this behind one slow reader.
     */
    public static final long DEFAULT_SENDER_PAUSE_NS = 10_000_000L; // 10 ms
    /** 0 turns the sender pause off: a full queue drops, as derper does. */
    public static final long SENDER_PAUSE_OFF = 0;
    /** The longest sender pause accepted: well under the write deadline, so a pause never looks like a stall. */
    public static final long MAX_SENDER_PAUSE_NS = 1_000_000_000L; // 1 s
    /**
     * derpring: the most keys one mesh peer may report present (Go has no bound). A peer has proven the mesh key, but
     * a buggy or compromised one flooding PeerPresent for made-up keys would otherwise grow the forwarding table
     * without end; about 200 bytes a key, so the default holds 262,144 clients in about 50 MiB.
     */
    public static final int DEFAULT_MAX_KEYS_PER_MESH_PEER = 1 << 18;
    public static final int MIN_MAX_KEYS_PER_MESH_PEER = 1;
    public static final int MAX_MAX_KEYS_PER_MESH_PEER = 1 << 24;
    /**
     * derpring: PeerPresent/PeerGone frames waiting for one mesh watcher (Go has no bound: its watcher goroutine
     * blocks). Room for the full dump a peer accepts ({@link #DEFAULT_MAX_KEYS_PER_MESH_PEER} keys) and as many live
     * updates again while it drains; a frame of at most 56 bytes is about 80 with its array header and queue slot, so
     * at most about 40 MiB per watcher. Beyond it the watcher is closed, not a frame dropped: a lost update would leave
     * the peer's table of our keys wrong for good, while a closed link makes the peer reconnect and receive a fresh
     * full dump (Go's recovery from a broken watch connection). A relay with more connected keys than this closes
     * every watcher during its dump, so raise it with the relay's size.
     */
    public static final int DEFAULT_MAX_QUEUED_MESH_FRAMES = 2 * DEFAULT_MAX_KEYS_PER_MESH_PEER;
    public static final int MIN_MAX_QUEUED_MESH_FRAMES = 1;
    public static final int MAX_MAX_QUEUED_MESH_FRAMES = 1 << 24;
    /**
     * derpring: distinct source keys one client remembers having received packets from, so it gets PeerGone when a
     * source leaves (Go {@code sentTo} has no bound). Without one, a mesh peer forwarding packets from ever new source
     * keys (that it never announces, so they never "go") grows the client's set and the shard's source index without
     * end. 65,536 is above the peers a node of even a very large tailnet hears from over DERP; at about 150 bytes a
     * remembered source (set slot, index entry, copied key) a client at the cap holds about 10 MiB. A source over it
     * is still delivered; only its PeerGone hint to this client is lost (counted).
     */
    public static final int DEFAULT_MAX_SOURCES_PER_RECEIVER = 1 << 16;
    public static final int MIN_MAX_SOURCES_PER_RECEIVER = 1;
    public static final int MAX_MAX_SOURCES_PER_RECEIVER = 1 << 24;
    /**
     * derpring: commands other threads may have waiting for one shard's loop (PeerGone notices, ClosePeer, mesh
     * watcher updates); Go has no such queue (its goroutines block on locks). A burst posts at most one command per
     * event per shard (a mesh peer's whole key table is one batch), and a running loop drains them every pass, so only
     * a stuck loop meets the bound: a million commands of about 60 bytes (node and lambda), about 60 MiB per shard.
     * A refused PeerGone notice or ClosePeer is dropped (counted); a refused watcher update closes the watcher.
     */
    public static final int DEFAULT_SHARD_COMMAND_CAPACITY = 1 << 20;
    public static final int MIN_SHARD_COMMAND_CAPACITY = 1;
    public static final int MAX_SHARD_COMMAND_CAPACITY = 1 << 24;

    private final int queueDepth;
    private final DuplicatePolicy duplicatePolicy;
    private final long keepAliveIntervalNs;
    private final long keepAliveJitterNs;
    private final long writeDeadlineNs;
    private final long meshWriteDeadlineNs;
    private final int peerGoneQueueDepth;
    private final int mailboxCapacity;
    private final long maxQueuedBytesPerShard;
    private final int notHereBurst;
    private final long notHereIntervalNs;
    private final MeshKey meshKey;
    private final NanoClock clock;
    private final long jitterSeed;
    private final long perClientRateLimitBytesPerSec;
    private final long perClientRateBurstBytes;
    private final AdmissionChain admission;
    private final long senderPauseNs;
    private final int maxKeysPerMeshPeer;
    private final int maxQueuedMeshFrames;
    private final int maxSourcesPerReceiver;
    private final int shardCommandCapacity;

    private RelayConfig(final Builder b) {
        this.queueDepth = InvalidConfigException.requireInRange("queueDepth", b.queueDepth, MIN_QUEUE_DEPTH, MAX_QUEUE_DEPTH);
        this.duplicatePolicy = b.duplicatePolicy;
        this.keepAliveIntervalNs = requirePositive("keepAliveIntervalNs", b.keepAliveIntervalNs);
        this.keepAliveJitterNs = requireNotNegative("keepAliveJitterNs", b.keepAliveJitterNs);
        this.writeDeadlineNs = requirePositive("writeDeadlineNs", b.writeDeadlineNs);
        this.meshWriteDeadlineNs = requirePositive("meshWriteDeadlineNs", b.meshWriteDeadlineNs);
        this.peerGoneQueueDepth = InvalidConfigException.requireInRange("peerGoneQueueDepth", b.peerGoneQueueDepth, 1, 1 << 20);
        this.mailboxCapacity = InvalidConfigException.requirePowerOfTwo("mailboxCapacity", b.mailboxCapacity, 2, 1 << 24);
        this.maxQueuedBytesPerShard = requirePositive("maxQueuedBytesPerShard", b.maxQueuedBytesPerShard);
        this.notHereBurst = InvalidConfigException.requireInRange("notHereBurst", b.notHereBurst, 1, 1 << 20);
        this.notHereIntervalNs = requirePositive("notHereIntervalNs", b.notHereIntervalNs);
        this.meshKey = b.meshKey;
        this.clock = b.clock;
        this.jitterSeed = b.jitterSeed;
        this.perClientRateLimitBytesPerSec = requireInRange("perClientRateLimitBytesPerSec",
            b.perClientRateLimitBytesPerSec, UNLIMITED_RATE, MAX_RATE_LIMIT_BYTES);
        this.perClientRateBurstBytes = requireInRange("perClientRateBurstBytes", b.perClientRateBurstBytes, 0,
            MAX_RATE_LIMIT_BYTES);
        this.admission = b.admission;
        this.senderPauseNs = requireInRange("senderPauseNs", b.senderPauseNs, SENDER_PAUSE_OFF, MAX_SENDER_PAUSE_NS);
        this.maxKeysPerMeshPeer = InvalidConfigException.requireInRange("maxKeysPerMeshPeer", b.maxKeysPerMeshPeer,
            MIN_MAX_KEYS_PER_MESH_PEER, MAX_MAX_KEYS_PER_MESH_PEER);
        this.maxQueuedMeshFrames = InvalidConfigException.requireInRange("maxQueuedMeshFrames", b.maxQueuedMeshFrames,
            MIN_MAX_QUEUED_MESH_FRAMES, MAX_MAX_QUEUED_MESH_FRAMES);
        this.maxSourcesPerReceiver = InvalidConfigException.requireInRange("maxSourcesPerReceiver",
            b.maxSourcesPerReceiver, MIN_MAX_SOURCES_PER_RECEIVER, MAX_MAX_SOURCES_PER_RECEIVER);
        this.shardCommandCapacity = InvalidConfigException.requireInRange("shardCommandCapacity",
            b.shardCommandCapacity, MIN_SHARD_COMMAND_CAPACITY, MAX_SHARD_COMMAND_CAPACITY);
    }

    private static long requireInRange(final String setting, final long value, final long min, final long max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(setting + " = " + value + " is outside [" + min + ", " + max + "]");
        }
        return value;
    }

    private static long requirePositive(final String setting, final long value) {
        if (value <= 0) {
            throw new InvalidConfigException(setting + " = " + value + " must be > 0");
        }
        return value;
    }

    private static long requireNotNegative(final String setting, final long value) {
        if (value < 0) {
            throw new InvalidConfigException(setting + " = " + value + " must be >= 0");
        }
        return value;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Go's defaults throughout. */
    public static RelayConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        final Builder b = new Builder();
        b.queueDepth = queueDepth;
        b.duplicatePolicy = duplicatePolicy;
        b.keepAliveIntervalNs = keepAliveIntervalNs;
        b.keepAliveJitterNs = keepAliveJitterNs;
        b.writeDeadlineNs = writeDeadlineNs;
        b.meshWriteDeadlineNs = meshWriteDeadlineNs;
        b.peerGoneQueueDepth = peerGoneQueueDepth;
        b.mailboxCapacity = mailboxCapacity;
        b.maxQueuedBytesPerShard = maxQueuedBytesPerShard;
        b.notHereBurst = notHereBurst;
        b.notHereIntervalNs = notHereIntervalNs;
        b.meshKey = meshKey;
        b.clock = clock;
        b.jitterSeed = jitterSeed;
        b.perClientRateLimitBytesPerSec = perClientRateLimitBytesPerSec;
        b.perClientRateBurstBytes = perClientRateBurstBytes;
        b.admission = admission;
        b.senderPauseNs = senderPauseNs;
        b.maxKeysPerMeshPeer = maxKeysPerMeshPeer;
        b.maxQueuedMeshFrames = maxQueuedMeshFrames;
        b.maxSourcesPerReceiver = maxSourcesPerReceiver;
        b.shardCommandCapacity = shardCommandCapacity;
        return b;
    }

    /** Packets per client queue (each of data and disco). */
    public int queueDepth() {
        return queueDepth;
    }

    public DuplicatePolicy duplicatePolicy() {
        return duplicatePolicy;
    }

    public long keepAliveIntervalNs() {
        return keepAliveIntervalNs;
    }

    /** Each client's KeepAlive period is the interval plus a jitter drawn once from {@code [0, jitter)}. */
    public long keepAliveJitterNs() {
        return keepAliveJitterNs;
    }

    /** A client on which no written frame wholly leaves for this long is closed. */
    public long writeDeadlineNs() {
        return writeDeadlineNs;
    }

    /** {@link #writeDeadlineNs()} for mesh peers. */
    public long meshWriteDeadlineNs() {
        return meshWriteDeadlineNs;
    }

    public int peerGoneQueueDepth() {
        return peerGoneQueueDepth;
    }

    public int mailboxCapacity() {
        return mailboxCapacity;
    }

    public long maxQueuedBytesPerShard() {
        return maxQueuedBytesPerShard;
    }

    public int notHereBurst() {
        return notHereBurst;
    }

    public long notHereIntervalNs() {
        return notHereIntervalNs;
    }

    /** The region's mesh key, or null: then no client is a mesh peer. */
    public MeshKey meshKey() {
        return meshKey;
    }

    public NanoClock clock() {
        return clock;
    }

    /** Seeds each shard's jitter generator ({@code seed + shardIndex}); print it when a test fails. */
    public long jitterSeed() {
        return jitterSeed;
    }

    /**
     * SPEC §3.7: each non-mesh client's receive rate in bytes per second ({@link ReceiveRateLimiter}); reading pauses
     * while a client is over it. {@link #UNLIMITED_RATE} (the default) turns it off.
     */
    public long perClientRateLimitBytesPerSec() {
        return perClientRateLimitBytesPerSec;
    }

    /** The configured burst; the bucket applied is {@link ReceiveRateLimiter#effectiveBurst} of it. */
    public long perClientRateBurstBytes() {
        return perClientRateBurstBytes;
    }

    /** SPEC §3.8: who may connect besides mesh peers, or null to admit every client (the default). */
    public AdmissionChain admission() {
        return admission;
    }

    /** How long a sender may stay paused behind a backlogged destination; {@link #SENDER_PAUSE_OFF} = never. */
    public long senderPauseNs() {
        return senderPauseNs;
    }

    /** The most keys one mesh peer may report present; further PeerPresent frames are refused and counted. */
    public int maxKeysPerMeshPeer() {
        return maxKeysPerMeshPeer;
    }

    /** The most PeerPresent/PeerGone frames one mesh watcher may have waiting; one more closes it (counted). */
    public int maxQueuedMeshFrames() {
        return maxQueuedMeshFrames;
    }

    /** The most source keys one client remembers for PeerGone; packets from further sources are counted, not noted. */
    public int maxSourcesPerReceiver() {
        return maxSourcesPerReceiver;
    }

    /** The most commands from other threads one shard may have waiting; further ones are refused and counted. */
    public int shardCommandCapacity() {
        return shardCommandCapacity;
    }

    /** Mutable builder; {@link #build()} checks every range. */
    public static final class Builder {
        private int queueDepth = DEFAULT_QUEUE_DEPTH;
        private DuplicatePolicy duplicatePolicy = DuplicatePolicy.LAST_WRITER_IS_ACTIVE;
        private long keepAliveIntervalNs = DerpProtocol.KEEP_ALIVE_NS;
        private long keepAliveJitterNs = DerpProtocol.KEEP_ALIVE_JITTER_NS;
        private long writeDeadlineNs = DEFAULT_WRITE_DEADLINE_NS;
        private long meshWriteDeadlineNs = DEFAULT_MESH_WRITE_DEADLINE_NS;
        private int peerGoneQueueDepth = DEFAULT_PEER_GONE_QUEUE_DEPTH;
        private int mailboxCapacity = DEFAULT_MAILBOX_CAPACITY;
        private long maxQueuedBytesPerShard = DEFAULT_MAX_QUEUED_BYTES_PER_SHARD;
        private int notHereBurst = NOT_HERE_BURST;
        private long notHereIntervalNs = NOT_HERE_INTERVAL_NS;
        private MeshKey meshKey;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private long jitterSeed = System.nanoTime();
        private long perClientRateLimitBytesPerSec = UNLIMITED_RATE;
        private long perClientRateBurstBytes;
        private AdmissionChain admission;
        private long senderPauseNs = DEFAULT_SENDER_PAUSE_NS;
        private int maxKeysPerMeshPeer = DEFAULT_MAX_KEYS_PER_MESH_PEER;
        private int maxQueuedMeshFrames = DEFAULT_MAX_QUEUED_MESH_FRAMES;
        private int maxSourcesPerReceiver = DEFAULT_MAX_SOURCES_PER_RECEIVER;
        private int shardCommandCapacity = DEFAULT_SHARD_COMMAND_CAPACITY;

        private Builder() {
        }

        /** See {@link #DEFAULT_SHARD_COMMAND_CAPACITY}; {@link #MIN_SHARD_COMMAND_CAPACITY} .. {@link #MAX_SHARD_COMMAND_CAPACITY}. */
        public Builder shardCommandCapacity(final int v) {
            shardCommandCapacity = v;
            return this;
        }

        /** See {@link #DEFAULT_MAX_SOURCES_PER_RECEIVER}; {@link #MIN_MAX_SOURCES_PER_RECEIVER} .. {@link #MAX_MAX_SOURCES_PER_RECEIVER}. */
        public Builder maxSourcesPerReceiver(final int v) {
            maxSourcesPerReceiver = v;
            return this;
        }

        /** See {@link #DEFAULT_MAX_QUEUED_MESH_FRAMES}; {@link #MIN_MAX_QUEUED_MESH_FRAMES} .. {@link #MAX_MAX_QUEUED_MESH_FRAMES}. */
        public Builder maxQueuedMeshFrames(final int v) {
            maxQueuedMeshFrames = v;
            return this;
        }

        /** See {@link #DEFAULT_MAX_KEYS_PER_MESH_PEER}; {@link #MIN_MAX_KEYS_PER_MESH_PEER} .. {@link #MAX_MAX_KEYS_PER_MESH_PEER}. */
        public Builder maxKeysPerMeshPeer(final int v) {
            maxKeysPerMeshPeer = v;
            return this;
        }

        /** Go {@code --per-client-rate-limit}-style bytes per second; {@link #UNLIMITED_RATE} turns it off. */
        public Builder perClientRateLimitBytesPerSec(final long v) {
            perClientRateLimitBytesPerSec = v;
            return this;
        }

        /** Bucket depth in bytes; raised to {@link ReceiveRateLimiter#MIN_BURST_BYTES} when lower. */
        public Builder perClientRateBurstBytes(final long v) {
            perClientRateBurstBytes = v;
            return this;
        }

        /** Null admits every client. */
        public Builder admission(final AdmissionChain v) {
            admission = v;
            return this;
        }

        public Builder queueDepth(final int v) {
            queueDepth = v;
            return this;
        }

        public Builder duplicatePolicy(final DuplicatePolicy v) {
            duplicatePolicy = java.util.Objects.requireNonNull(v, "duplicatePolicy");
            return this;
        }

        public Builder keepAliveIntervalNs(final long v) {
            keepAliveIntervalNs = v;
            return this;
        }

        public Builder keepAliveJitterNs(final long v) {
            keepAliveJitterNs = v;
            return this;
        }

        public Builder writeDeadlineNs(final long v) {
            writeDeadlineNs = v;
            return this;
        }

        public Builder meshWriteDeadlineNs(final long v) {
            meshWriteDeadlineNs = v;
            return this;
        }

        public Builder peerGoneQueueDepth(final int v) {
            peerGoneQueueDepth = v;
            return this;
        }

        public Builder mailboxCapacity(final int v) {
            mailboxCapacity = v;
            return this;
        }

        public Builder maxQueuedBytesPerShard(final long v) {
            maxQueuedBytesPerShard = v;
            return this;
        }

        public Builder notHereBurst(final int v) {
            notHereBurst = v;
            return this;
        }

        public Builder notHereIntervalNs(final long v) {
            notHereIntervalNs = v;
            return this;
        }

        public Builder meshKey(final MeshKey v) {
            meshKey = v;
            return this;
        }

        public Builder clock(final NanoClock v) {
            clock = java.util.Objects.requireNonNull(v, "clock");
            return this;
        }

        public Builder senderPauseNs(final long v) {
            senderPauseNs = v;
            return this;
        }

        public Builder jitterSeed(final long v) {
            jitterSeed = v;
            return this;
        }

        public RelayConfig build() {
            return new RelayConfig(this);
        }
    }
}
