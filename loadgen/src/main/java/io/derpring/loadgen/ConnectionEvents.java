package io.derpring.loadgen;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.transport.internal.client.DerpConnectionException;

/**
 * How our clients' connections ended, by typed reason, and how many were reconnects: what a report needs so that a
 * relay which kills every connection reads as "32 reconnects, 32 disconnects closed_by_server", not as a bare
 * shortfall. Fed from connection events (one per connect or close, never per frame), on the connections' event
 * loops.
 *
 * <p>Each distinct reason is announced once, through the sink given at construction (the run's log at its default
 * level): a relay that closes ten thousand connections the same way gives one line, and the count in the report.
 */
final class ConnectionEvents {
    /** The reason of a close we asked for (end of run, an engine's idle or map close): counted, never announced. */
    static final String CLOSED_LOCALLY = reason(new DerpConnectionException(
        DerpConnectionException.Failure.CLOSED_LOCALLY, "closed by the client"));

    private final Map<String, LongAdder> disconnects = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> connectFailures = new ConcurrentHashMap<>();
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    private final AtomicLong reconnects = new AtomicLong();
    private final Consumer<String> announce;

    /** @param announce where the first close of each reason is told (one line each) */
    ConnectionEvents(final Consumer<String> announce) {
        this.announce = announce;
    }

    /**
     * One node's connections to one region, one after another (a raw connection never has a successor; an engine
     * redials its region). Connection events of one place come from one connection at a time.
     */
    final class Place {
        private volatile boolean lost;
        private volatile boolean everConnected;

        /** True once any connection of this place reached ServerInfo, even if it is lost again. */
        boolean everConnected() {
            return everConnected;
        }

        /** A new connection of this place, to be reported on by its own link's events. */
        Link link() {
            return new Link(this);
        }
    }

    /** One connection's events: ServerInfo may arrive more than once (counted once), the close arrives once. */
    final class Link {
        private final Place place;
        private boolean connected;

        private Link(final Place place) {
            this.place = place;
        }

        /** ServerInfo arrived: a reconnect if this place lost a connection (or a connect attempt) before. */
        void connected() {
            if (!connected) {
                connected = true;
                place.everConnected = true;
                if (place.lost) {
                    reconnects.incrementAndGet();
                }
            }
        }

        /** The connection ended; {@code cause} null means closed on purpose (an engine's own close). */
        void closed(final Throwable cause) {
            final String reason = cause == null ? CLOSED_LOCALLY : reason(cause);
            (connected ? disconnects : connectFailures).computeIfAbsent(reason, r -> new LongAdder()).increment();
            if (!CLOSED_LOCALLY.equals(reason)) {
                place.lost = true;
                if (announced.add(reason)) {
                    announce.accept("connection " + (connected ? "closed" : "failed") + ": " + reason
                        + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
                        + "; later ones for this reason are counted in the report, not logged");
                }
            }
        }
    }

    /** A place for one node's connections to one region. */
    Place place() {
        return new Place();
    }

    /**
     * The typed reason of a close, lower case: the transport's {@link DerpConnectionException.Failure}, the
     * protocol's {@link io.derpring.internal.frame.FrameError}, else the exception's class (an I/O error from the
     * socket, e.g. a reset).
     */
    static String reason(final Throwable cause) {
        if (cause instanceof DerpConnectionException) {
            return ((DerpConnectionException) cause).failure().name().toLowerCase(Locale.ROOT);
        }
        if (cause instanceof DerpProtocolException) {
            return ((DerpProtocolException) cause).error().name().toLowerCase(Locale.ROOT);
        }
        return cause.getClass().getSimpleName();
    }

    /** Connections closed after ServerInfo, by reason (sorted, so reports compare). */
    Map<String, Long> disconnects() {
        return snapshot(disconnects);
    }

    /** Connection attempts that failed before ServerInfo, by reason. */
    Map<String, Long> connectFailures() {
        return snapshot(connectFailures);
    }

    /** Connections that reached ServerInfo where the same node had lost one to the same region before. */
    long reconnects() {
        return reconnects.get();
    }

    private static Map<String, Long> snapshot(final Map<String, LongAdder> counts) {
        final Map<String, Long> out = new TreeMap<>();
        counts.forEach((reason, n) -> out.put(reason, n.sum()));
        return out;
    }
}
