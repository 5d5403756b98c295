package io.derpring.internal.engine;

import java.util.Objects;

import io.derpring.internal.disco.DiscoKeyCache;
import io.derpring.internal.region.RegionSettings;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.runtime.InvalidConfigException;

/**
 * Everything an engine is built from, immutable and validated when built: a bad value fails fast with the setting's
 * name and range. Transport settings (which Netty transport, I/O threads, pinning, TLS trust) are given to the
 * transport's dialer, which lives outside the engine.
 *
 * @param regions        idle grace, backoff schedule, outbound and disco queue depths
 * @param ring           ring and slot sizes, ring-full policy, stage threading, wait strategy
 * @param ipv6Candidates accept IPv6 endpoints from CallMeMaybe (SPEC §5.7; off by default)
 * @param discoKeyCache  peers whose disco box key is kept (bounded; X25519 once per peer)
 */
public record DerpEngineConfig(RegionSettings regions, InboundRingConfig ring, boolean ipv6Candidates,
                               int discoKeyCache) {
    public static final int DEFAULT_DISCO_KEY_CACHE = 4096;
    public static final int MIN_DISCO_KEY_CACHE = 16;
    public static final int MAX_DISCO_KEY_CACHE = DiscoKeyCache.MAX_CAPACITY;

    public DerpEngineConfig {
        Objects.requireNonNull(regions, "region settings");
        Objects.requireNonNull(ring, "ring config");
        // One rule, the cache's own: a power of two (its sets are indexed by a mask).
        InvalidConfigException.requirePowerOfTwo("disco key cache", discoKeyCache, MIN_DISCO_KEY_CACHE,
            MAX_DISCO_KEY_CACHE);
    }

    public static DerpEngineConfig defaults() {
        return new DerpEngineConfig(RegionSettings.defaults(), InboundRingConfig.defaults(), false,
            DEFAULT_DISCO_KEY_CACHE);
    }

    public static DiscoKeyCache keyCacheFor(final DerpEngineConfig config, final io.derpring.keys.DiscoPrivateKey key) {
        return new DiscoKeyCache(key, config.discoKeyCache());
    }
}
