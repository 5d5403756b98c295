package io.derpring.server;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.derpring.keys.NodeKey;

/**
 * The admission controller's recent answers, per node key and source address, so that a client reconnecting in a
 * loop (or a reconnect storm after a restart) does not ask the controller again each time. Keyed by the source too,
 * because the controller is given it and may decide on it. Only real answers (a 200 with valid JSON) are kept:
 * errors and fail-open admissions are never cached, so a controller that comes back is asked at once.
 *
 * <p>Bounded memory: at most {@code maxEntries}; every entry lives for the same TTL, so insertion order is expiry
 * order and the eldest entry is the one to evict. Any thread; one short lock per handshake, never on the frame path.
 */
final class AdmissionAnswerCache {
    /** derpring's: short, so a key revoked (or newly allowed) at the controller takes effect within seconds. */
    static final long DEFAULT_TTL_NS = TimeUnit.SECONDS.toNanos(10);
    /** derpring's: about 2 MiB of entries (~250 bytes each); a relay's reconnect storm fits, spoofed keys cannot grow it further. */
    static final int DEFAULT_MAX_ENTRIES = 8192;

    private record Key(NodeKey node, InetAddress source) {
    }

    private record Answer(boolean allow, long expiresAtNs) {
    }

    private final long ttlNs;
    private final int maxEntries;
    private final LinkedHashMap<Key, Answer> entries = new LinkedHashMap<>();

    AdmissionAnswerCache(final long ttlNs, final int maxEntries) {
        if (ttlNs <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("ttlNs and maxEntries must be > 0");
        }
        this.ttlNs = ttlNs;
        this.maxEntries = maxEntries;
    }

    /** The cached answer, or null when there is none or it expired at {@code nowNs}. */
    synchronized Boolean get(final NodeKey node, final InetAddress source, final long nowNs) {
        final Key key = new Key(node, source);
        final Answer a = entries.get(key);
        if (a == null) {
            return null;
        }
        if (nowNs - a.expiresAtNs >= 0) {
            entries.remove(key);
            return null;
        }
        return a.allow;
    }

    /** Remembers {@code allow} until {@code nowNs} + TTL, evicting expired entries, then the eldest over the bound. */
    synchronized void put(final NodeKey node, final InetAddress source, final boolean allow, final long nowNs) {
        final Key key = new Key(node, source);
        entries.remove(key); // re-inserted at the tail, so insertion order stays expiry order
        entries.put(key, new Answer(allow, nowNs + ttlNs));
        final Iterator<Map.Entry<Key, Answer>> eldest = entries.entrySet().iterator();
        while (eldest.hasNext()) {
            final Map.Entry<Key, Answer> e = eldest.next();
            if (entries.size() <= maxEntries && nowNs - e.getValue().expiresAtNs < 0) {
                break;
            }
            eldest.remove();
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
