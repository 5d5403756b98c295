package io.derpring.internal.region;

import io.derpring.region.RegionListener;
import io.derpring.region.RegionStatus;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapParser;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.engine.SendResult;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.route.ObservedRoutes;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** A conductor driven by hand: a fake clock, a fake dialer whose links the test connects and fails. */
final class RegionHarness {
    long nowNs = TimeUnit.SECONDS.toNanos(1000);
    final FakeDialer dialer = new FakeDialer();
    final RecordingListener listener = new RecordingListener();
    final NodeKey peerHomedOn901 = NodePrivateKey.generate().publicKey();
    final NodeKey peerWithoutHome = NodePrivateKey.generate().publicKey();
    final NetmapHolder netmaps = new NetmapHolder();
    final ObservedRoutes routes;
    final RegionConductor conductor;
    final OutboundRouter router;

    RegionHarness(final RegionSettings settings) {
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(peerHomedOn901, DiscoPrivateKey.generate().publicKey(), 901);
        netmap.addPeer(peerWithoutHome, DiscoPrivateKey.generate().publicKey(), Netmap.NO_REGION);
        netmaps.publish(netmap.build());
        routes = new ObservedRoutes(netmaps.current());
        netmaps.addListener(routes);
        // jitter 0.5 => the multiplier is exactly 1.0: backoff delays equal the base schedule
        conductor = new RegionConductor(settings, dialer, listener, routes, () -> nowNs, () -> 0.5,
            new Counters<>(RegionCounter.class));
        router = new OutboundRouter(conductor, netmaps, routes, () -> nowNs);
    }

    RegionHarness() {
        this(RegionSettings.defaults());
    }

    /** A DERP map with regions 900..(900+n-1), two nodes each (names "<id>a", "<id>b"). */
    static DerpMap map(final int regions) {
        return mapWithChangedRegion(regions, 0);
    }

    /** The same map, but region {@code changed}'s first node listens on another port: a changed definition. */
    static DerpMap mapWithChangedRegion(final int regions, final int changed) {
        final StringBuilder json = new StringBuilder("{\"Regions\":{");
        for (int i = 0; i < regions; i++) {
            final int id = 900 + i;
            json.append(i == 0 ? "" : ",").append('"').append(id).append("\":{\"RegionID\":").append(id)
                .append(",\"RegionCode\":\"r").append(id).append("\",\"Nodes\":[")
                .append(node(id, "a", id == changed ? 4440 : 3340)).append(',').append(node(id, "b", 3341))
                .append("]}");
        }
        return DerpMapParser.parse(json.append("}}").toString());
    }

    private static String node(final int region, final String suffix, final int port) {
        return "{\"Name\":\"" + region + suffix + "\",\"RegionID\":" + region + ",\"HostName\":\"derp" + region
            + suffix + ".example.test\",\"IPv4\":\"127.0.0.1\",\"DERPPort\":" + port + "}";
    }

    /** A map of {@code regions} regions (900 on), home 900 selected, dialed and connected (ServerInfo seen). */
    FakeLink connectHome(final int regions) {
        conductor.updateDerpMap(map(regions));
        conductor.selectHome(900);
        work();
        final FakeLink link = dialer.last(900);
        link.connect();
        work();
        return link;
    }

    int work() {
        return conductor.doWork();
    }

    void advanceMillis(final long ms) {
        nowNs += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    static UnsafeBuffer packet(final int length, final int seed) {
        final UnsafeBuffer p = new UnsafeBuffer(new byte[length]);
        for (int i = 0; i < length; i++) {
            p.putByte(i, (byte) (seed + i));
        }
        return p;
    }

    RegionStatus status(final int region) {
        for (final RegionStatus s : conductor.status()) {
            if (s.regionId() == region) {
                return s;
            }
        }
        throw new AssertionError("no region " + region);
    }

    static final class FakeDialer implements DerpDialer {
        final List<FakeLink> dials = new ArrayList<>();

        @Override
        public DerpLink dial(final DerpRegion region, final DerpNode node, final String idealNodeName,
                             final LinkListener listener) {
            final FakeLink link = new FakeLink(region.regionId(), node.name(), idealNodeName, listener);
            dials.add(link);
            return link;
        }

        List<FakeLink> to(final int region) {
            final List<FakeLink> out = new ArrayList<>();
            for (final FakeLink l : dials) {
                if (l.region == region) {
                    out.add(l);
                }
            }
            return out;
        }

        FakeLink last(final int region) {
            final List<FakeLink> links = to(region);
            if (links.isEmpty()) {
                throw new AssertionError("region " + region + " was never dialed");
            }
            return links.get(links.size() - 1);
        }
    }

    static final class FakeLink implements DerpLink {
        final int region;
        final String node;
        final String idealNode;
        final LinkListener listener;
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> discoSent = new ArrayList<>();
        final List<Boolean> preferred = new ArrayList<>();
        boolean closed;
        long lastReceiveNs;
        boolean receivedPacket;
        long lastFrameNs;
        InetAddress localAddress;
        final List<Long> pings = new ArrayList<>();
        /** Runs inside the next {@link #send}, before it records: a sender racing the conductor's flush. */
        Runnable duringNextSend;
        /** Sends (data) this link still takes before it answers BACK_PRESSURED, as a full connection queue does. */
        int room = Integer.MAX_VALUE;

        FakeLink(final int region, final String node, final String idealNode, final LinkListener listener) {
            this.region = region;
            this.node = node;
            this.idealNode = idealNode;
            this.listener = listener;
        }

        @Override
        public SendResult send(final NodeKey destination, final DirectBuffer buffer, final int offset,
                               final int length) {
            final Runnable racing = duringNextSend;
            duringNextSend = null;
            if (racing != null) {
                racing.run();
            }
            if (closed) {
                return SendResult.NO_ROUTE;
            }
            if (room == 0) {
                return SendResult.BACK_PRESSURED;
            }
            room--;
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            sent.add(copy);
            return SendResult.ACCEPTED;
        }

        @Override
        public SendResult sendDisco(final NodeKey destination, final DirectBuffer buffer, final int offset,
                                    final int length) {
            if (closed) {
                return SendResult.NO_ROUTE;
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            discoSent.add(copy);
            return SendResult.ACCEPTED;
        }

        @Override
        public void notePreferred(final boolean home) {
            preferred.add(home);
        }

        @Override
        public long lastReceiveNs() {
            return lastReceiveNs;
        }

        @Override
        public boolean hasReceivedPacket() {
            return receivedPacket;
        }

        @Override
        public long lastFrameReceivedNs() {
            return lastFrameNs;
        }

        @Override
        public InetAddress localAddress() {
            return localAddress;
        }

        @Override
        public void sendPing(final long data) {
            pings.add(data);
        }

        @Override
        public void close() {
            closed = true;
        }

        void connect() {
            listener.onConnected();
        }

        void fail(final String why) {
            closed = true;
            listener.onClosed(new java.io.IOException(why));
        }
    }

    static final class RecordingListener implements RegionListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onConnected(final int regionId, final String nodeName) {
            events.add("connected " + regionId + " " + nodeName);
        }

        @Override
        public void onDisconnected(final int regionId, final Throwable cause) {
            events.add("disconnected " + regionId);
        }

        @Override
        public void onHomeChanged(final int oldHome, final int newHome) {
            events.add("home " + oldHome + "->" + newHome);
        }

        @Override
        public void onHealth(final int regionId, final String problem) {
            events.add("health " + regionId + " '" + problem + "'");
        }

        @Override
        public void onPeerGone(final int regionId, final NodeKey peer, final int reason) {
            events.add("gone " + regionId + " " + peer.toHex() + " " + reason);
        }

        @Override
        public void onPeerPresent(final int regionId, final NodeKey peer) {
            events.add("present " + regionId + " " + peer.toHex());
        }
    }
}
