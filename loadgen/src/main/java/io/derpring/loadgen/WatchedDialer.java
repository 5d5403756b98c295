package io.derpring.loadgen;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.engine.DialerFactory;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.region.DerpDialer;
import io.derpring.internal.region.DerpLink;
import io.derpring.internal.region.LinkListener;
import io.derpring.internal.ring.InboundRing;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;

/**
 * An engine's dialer with its connections' events also told to {@link ConnectionEvents}: the engine redials a region
 * by itself, and only here does the run see each connection begin and end, and why. One factory per engine, so a
 * region of its dialer is one node's place.
 */
final class WatchedDialer implements DerpDialer {
    private final DerpDialer dialer;
    private final ConnectionEvents events;
    private final Map<Integer, ConnectionEvents.Place> places;

    private WatchedDialer(final DerpDialer dialer, final ConnectionEvents events,
                          final Map<Integer, ConnectionEvents.Place> places) {
        this.dialer = dialer;
        this.events = events;
        this.places = places;
    }

    /**
     * {@code factory}'s dialers, watched, for one engine; its connection counters are passed through unchanged.
     *
     * @param places that engine's places by region id, filled as it dials (a concurrent map: the caller reads it)
     */
    static DialerFactory factory(final DialerFactory factory, final ConnectionEvents events,
                                 final ConcurrentHashMap<Integer, ConnectionEvents.Place> places) {
        return new DialerFactory() {
            @Override
            public DerpDialer create(final InboundRing inbound, final NodePrivateKey self) {
                return new WatchedDialer(factory.create(inbound, self), events, places);
            }

            @Override
            public Counters<?> connectionCounters() {
                return factory.connectionCounters();
            }
        };
    }

    @Override
    public DerpLink dial(final DerpRegion region, final DerpNode node, final String idealNodeName,
                         final LinkListener listener) {
        final ConnectionEvents.Link link = places.computeIfAbsent(region.regionId(), r -> events.place()).link();
        return dialer.dial(region, node, idealNodeName, new Watched(listener, link));
    }

    /** The conductor's listener, with connect and close also told to the run. */
    private static final class Watched implements LinkListener {
        private final LinkListener listener;
        private final ConnectionEvents.Link link;

        Watched(final LinkListener listener, final ConnectionEvents.Link link) {
            this.listener = listener;
            this.link = link;
        }

        @Override
        public void onConnected() {
            link.connected();
            listener.onConnected();
        }

        @Override
        public void onClosed(final Throwable cause) {
            link.closed(cause);
            listener.onClosed(cause);
        }

        @Override
        public void onHealth(final String problem) {
            listener.onHealth(problem);
        }

        @Override
        public void onPeerGone(final NodeKey peer, final int reason) {
            listener.onPeerGone(peer, reason);
        }

        @Override
        public void onPeerPresent(final NodeKey peer) {
            listener.onPeerPresent(peer);
        }

        @Override
        public void onPong(final long data) {
            listener.onPong(data);
        }
    }
}
