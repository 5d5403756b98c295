package io.derpring.internal.engine;

import java.time.Duration;
import java.util.Objects;

import io.derpring.internal.disco.DiscoKeyCache;
import io.derpring.internal.region.RegionSettings;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.runtime.InvalidConfigException;

/**
 * Everything an engine is built from, immutable and validated when built: a bad value fails fast with the setting's
 * name and range. Transport settings (which Netty transport, I/O threads, pinning, TLS trust) are given to the
 * transport's dialer, which lives outside the engine. Embedders set these through {@code NettyDerpEngine.builder()}.
 *
 * @param regions        idle grace, backoff schedule, outbound and disco queue depths
 * @param ring           ring and slot sizes, ring-full policy, stage threading, wait strategy
 * @param ipv6Candidates accept IPv6 endpoints from CallMeMaybe (SPEC §5.7; off by default)
 * @param discoKeyCache  peers whose disco box key is kept (bounded; X25519 once per peer)
 * @param conductorIdleParkNs the longest the idle conductor parks between duty cycles: the worst-case delay before
 *                       a dormant region wakes for traffic or a map, netmap or home change is acted on. Longer
 *                       costs less CPU while idle (1 ms, the default, is about 2% of a core)
 * @param connectTimeout how long {@code DerpEngine.connected()} waits for the home region's first ServerInfo,
 *                       counted from the first home region selected (default {@link #DEFAULT_CONNECT_TIMEOUT})
 */
public record DerpEngineConfig(RegionSettings regions, InboundRingConfig ring, boolean ipv6Candidates,
                               int discoKeyCache, long conductorIdleParkNs, Duration connectTimeout) {
    public static final int DEFAULT_DISCO_KEY_CACHE = 4096;
    public static final int MIN_DISCO_KEY_CACHE = 16;
    public static final int MAX_DISCO_KEY_CACHE = DiscoKeyCache.MAX_CAPACITY;
    public static final Duration DEFAULT_CONDUCTOR_IDLE_PARK = Duration.ofMillis(1);
    /** The idle strategy's shortest park: below it the conductor would only ever spin and yield. */
    public static final Duration MIN_CONDUCTOR_IDLE_PARK = Duration.ofNanos(1_000);
    /** Longer would make a woken region or a new DERP map wait visibly. */
    public static final Duration MAX_CONDUCTOR_IDLE_PARK = Duration.ofSeconds(1);
    /**
     * Default wait for the home region: the transport's own connect timeout (10 s, {@code DerpClientSettings}), so
     * one slow dial fits and a refused one has been retried a few times with Go's backoff (SPEC §5.1).
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Shortest connect wait, for {@code connectTimeout} and {@code awaitConnected}: one conductor park is 1 ms. */
    public static final Duration MIN_CONNECT_TIMEOUT = Duration.ofMillis(1);
    /** Longest connect wait; derpring choice, far beyond any backoff (5 s cap) and small enough for nanosecond math. */
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofHours(24);

    public DerpEngineConfig {
        Objects.requireNonNull(regions, "region settings");
        Objects.requireNonNull(ring, "ring config");
        // One rule, the cache's own: a power of two (its sets are indexed by a mask).
        InvalidConfigException.requirePowerOfTwo("disco key cache", discoKeyCache, MIN_DISCO_KEY_CACHE,
            MAX_DISCO_KEY_CACHE);
        if (conductorIdleParkNs < MIN_CONDUCTOR_IDLE_PARK.toNanos()
            || conductorIdleParkNs > MAX_CONDUCTOR_IDLE_PARK.toNanos()) {
            throw new InvalidConfigException("conductor idle park = " + conductorIdleParkNs + " ns is outside ["
                + MIN_CONDUCTOR_IDLE_PARK.toNanos() + ", " + MAX_CONDUCTOR_IDLE_PARK.toNanos() + "] ns");
        }
        requireConnectTimeout("connect timeout", connectTimeout);
    }

    /** With the default conductor idle park and connect timeout. */
    public DerpEngineConfig(final RegionSettings regions, final InboundRingConfig ring, final boolean ipv6Candidates,
                            final int discoKeyCache) {
        this(regions, ring, ipv6Candidates, discoKeyCache, DEFAULT_CONDUCTOR_IDLE_PARK.toNanos(),
            DEFAULT_CONNECT_TIMEOUT);
    }

    public static DerpEngineConfig defaults() {
        return new DerpEngineConfig(RegionSettings.defaults(), InboundRingConfig.defaults(), false,
            DEFAULT_DISCO_KEY_CACHE);
    }

    /** This config with another ring (e.g. the transport's stage thread factory added). */
    public DerpEngineConfig withRing(final InboundRingConfig newRing) {
        return new DerpEngineConfig(regions, newRing, ipv6Candidates, discoKeyCache, conductorIdleParkNs,
            connectTimeout);
    }

    /** {@code timeout} if it is in [{@link #MIN_CONNECT_TIMEOUT}, {@link #MAX_CONNECT_TIMEOUT}], else fails naming it. */
    public static Duration requireConnectTimeout(final String setting, final Duration timeout) {
        if (timeout == null) {
            throw new InvalidConfigException(setting + " is required");
        }
        if (timeout.compareTo(MIN_CONNECT_TIMEOUT) < 0 || timeout.compareTo(MAX_CONNECT_TIMEOUT) > 0) {
            throw new InvalidConfigException(setting + " = " + timeout + " is outside [" + MIN_CONNECT_TIMEOUT + ", "
                + MAX_CONNECT_TIMEOUT + "]");
        }
        return timeout;
    }

    public static DiscoKeyCache keyCacheFor(final DerpEngineConfig config, final io.derpring.keys.DiscoPrivateKey key) {
        return new DiscoKeyCache(key, config.discoKeyCache());
    }
}
