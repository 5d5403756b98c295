package io.derpring.loadgen;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.derpring.internal.metrics.CounterDescriptor;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.region.RegionCounter;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.transport.internal.client.ClientCounter;

/**
 * Which client-side counters are packet losses. Each lost packet is counted in exactly one of them, so their sum is
 * the client's share of a shortfall: e.g. a connection that refuses a packet counts it itself, and the engine's
 * {@link RegionCounter#DROPPED_BY_CONNECTION} (the same packet, seen from the router) is left out.
 */
final class ClientDropTally {
    static final Set<ClientCounter> CONNECTION = EnumSet.of(ClientCounter.DROPPED_QUEUE_OLDEST,
        ClientCounter.DROPPED_QUEUE_FULL, ClientCounter.DROPPED_RATE_LIMITED, ClientCounter.DROPPED_NOT_CONNECTED,
        ClientCounter.DROPPED_UNSENT_AT_CLOSE);
    /** Frames offered to a ring and not delivered (the ring counts them; the connection's copy is left out). */
    static final Set<InboundCounter> RING = EnumSet.of(InboundCounter.DROPPED_UNKNOWN_PEER,
        InboundCounter.DROPPED_RING_FULL, InboundCounter.DROPPED_TOO_LARGE, InboundCounter.STAGE_ERRORS,
        InboundCounter.DISCO_SENDER_NOT_RELAYING_NODE, InboundCounter.DISCO_OPEN_FAILED,
        InboundCounter.DISCO_PING_CONSUMED, InboundCounter.DISCO_PONG_CONSUMED, InboundCounter.DISCO_OTHER_CONSUMED,
        InboundCounter.DISCO_CALL_ME_MAYBE_LEARNED, InboundCounter.DISCO_CALL_ME_MAYBE_NO_CANDIDATES);
    static final Set<RegionCounter> ROUTER = EnumSet.of(RegionCounter.DROPPED_NO_REGION,
        RegionCounter.DROPPED_QUEUE_OLDEST, RegionCounter.DROPPED_REGION_GONE, RegionCounter.DROPPED_UNREACHABLE);

    /** Connection lifecycle counters a soak reports: how often connections came, went, and paused for the ring. */
    static final Set<ClientCounter> EVENTS = EnumSet.of(ClientCounter.CONNECTS, ClientCounter.CONNECT_FAILURES,
        ClientCounter.DISCONNECTS, ClientCounter.RING_FULL_PAUSES, ClientCounter.RING_FULL_RESUMES);

    private ClientDropTally() {
    }

    /** {@link #EVENTS} by lower-case name, zeros included. */
    static Map<String, Long> events(final Counters<ClientCounter> counters) {
        final Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (final ClientCounter c : EVENTS) {
            out.put(c.name().toLowerCase(Locale.ROOT), counters.get(c));
        }
        return out;
    }

    static <E extends Enum<E> & CounterDescriptor> void add(final Map<String, Long> into, final String prefix,
                                                            final Counters<E> counters, final Set<E> which) {
        for (final E e : which) {
            add(into, prefix + e.name().toLowerCase(Locale.ROOT), counters.get(e));
        }
    }

    static void add(final Map<String, Long> into, final String name, final long value) {
        if (value != 0) {
            into.merge(name, value, Long::sum);
        }
    }

    /** Counters that moved from {@code before} to {@code after}, by how much (drops between two readings). */
    static Map<String, Long> delta(final Map<String, Long> before, final Map<String, Long> after) {
        final Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (final Map.Entry<String, Long> e : after.entrySet()) {
            final long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                out.put(e.getKey(), d);
            }
        }
        return out;
    }

    static long sum(final Map<String, Long> drops) {
        long sum = 0;
        for (final long v : drops.values()) {
            sum += v;
        }
        return sum;
    }
}
