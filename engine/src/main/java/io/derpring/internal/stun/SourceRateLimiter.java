package io.derpring.internal.stun;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers per source per second, in a table whose size is fixed when it is built: a source (an IPv4 address, also
 * when seen as {@code ::ffff:a.b.c.d}, or an IPv6 /64, as the connection caps count them) hashes to one of {@link #bucketCount()} buckets, and each bucket is a
 * GCRA token bucket held as one long, its theoretical arrival time. Spoofed sources can therefore never grow memory;
 * sources that share a bucket share its budget, which only ever limits more, never less.
 *
 * <p>The hash is keyed with a random seed per table, so a sender cannot pick addresses that land in a victim's
 * bucket. Single-threaded (the STUN channel's event loop); allocates nothing.
 */
public final class SourceRateLimiter {
    /** 16 384 buckets of one long: 128 KiB, whatever the number of sources. */
    public static final int DEFAULT_BUCKETS = 1 << 14;
    /**
     * A tailnode STUNs each DERP node a few times per netcheck (every 20 to 26 s), so even a NAT with hundreds of
     * nodes behind one address stays far below this; a reflected flood at this rate is a few KiB/s.
     */
    public static final int DEFAULT_PACKETS_PER_SECOND = 200;
    public static final int DEFAULT_BURST = 400;
    public static final int MAX_BUCKETS = 1 << 24;

    private static final long NS_PER_SECOND = 1_000_000_000L;
    private static final int IPV6_PREFIX_BYTES = 8;
    /** Bucket empty: any arrival time is later. */
    private static final long NEVER = Long.MIN_VALUE;
    private static final long IPV6_KEY_TAG = 0x6L << 60;
    /** {@code ::ffff:} before the IPv4 address in an IPv4-mapped IPv6 address. */
    private static final int IPV4_MAPPED_PREFIX_LENGTH = 12;

    private final long[] theoreticalArrivalNs;
    private final int mask;
    private final long intervalNs;
    private final long toleranceNs;
    private final long seed;

    /**
     * @param buckets           a power of two, 1..{@link #MAX_BUCKETS}
     * @param packetsPerSecond  sustained rate per bucket, 1..1e9
     * @param burst             packets allowed at once per bucket, at least 1
     */
    public SourceRateLimiter(final int buckets, final int packetsPerSecond, final int burst) {
        if (buckets < 1 || buckets > MAX_BUCKETS || Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException("buckets = " + buckets + ": need a power of two in 1.." + MAX_BUCKETS);
        }
        if (packetsPerSecond < 1 || packetsPerSecond > NS_PER_SECOND) {
            throw new IllegalArgumentException("packetsPerSecond = " + packetsPerSecond + ": need 1.." + NS_PER_SECOND);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst = " + burst + ": need at least 1");
        }
        theoreticalArrivalNs = new long[buckets];
        Arrays.fill(theoreticalArrivalNs, NEVER);
        mask = buckets - 1;
        intervalNs = NS_PER_SECOND / packetsPerSecond;
        toleranceNs = intervalNs * (burst - 1);
        seed = ThreadLocalRandom.current().nextLong();
    }

    public SourceRateLimiter() {
        this(DEFAULT_BUCKETS, DEFAULT_PACKETS_PER_SECOND, DEFAULT_BURST);
    }

    /** The table's size, fixed at construction. */
    public int bucketCount() {
        return theoreticalArrivalNs.length;
    }

    /**
     * True if a packet from {@code address} (4 or 16 bytes) at {@code nowNs} is within its source's rate; the packet
     * is then charged to the bucket. A refused packet charges nothing.
     */
    public boolean tryAcquire(final byte[] address, final long nowNs) {
        final int bucket = bucketOf(address);
        final long tat = Math.max(theoreticalArrivalNs[bucket], nowNs);
        if (tat - nowNs > toleranceNs) {
            return false;
        }
        theoreticalArrivalNs[bucket] = tat + intervalNs;
        return true;
    }

    /** The bucket {@code address} is charged to. */
    int bucketOf(final byte[] address) {
        return (int) mix(sourceKey(address) ^ seed) & mask;
    }

    private static long sourceKey(final byte[] address) {
        if (address.length == XorMappedAddressFlyweight.IPV4_LENGTH) {
            return bytesAsLong(address, 0, XorMappedAddressFlyweight.IPV4_LENGTH);
        }
        if (isIpv4Mapped(address)) {
            // A dual-stack socket sees IPv4 senders as ::ffff:a.b.c.d; their /64 is the same for all of them.
            return bytesAsLong(address, IPV4_MAPPED_PREFIX_LENGTH, XorMappedAddressFlyweight.IPV4_LENGTH);
        }
        return bytesAsLong(address, 0, IPV6_PREFIX_BYTES) ^ IPV6_KEY_TAG;
    }

    private static boolean isIpv4Mapped(final byte[] address) {
        for (int i = 0; i < IPV4_MAPPED_PREFIX_LENGTH - 2; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[IPV4_MAPPED_PREFIX_LENGTH - 2] == (byte) 0xff && address[IPV4_MAPPED_PREFIX_LENGTH - 1] == (byte) 0xff;
    }

    private static long bytesAsLong(final byte[] b, final int from, final int length) {
        long v = 0;
        for (int i = from; i < from + length; i++) {
            v = (v << Byte.SIZE) | (b[i] & 0xFF);
        }
        return v;
    }

    /** The 64-bit finalizer of MurmurHash3: every key bit reaches every bucket bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
