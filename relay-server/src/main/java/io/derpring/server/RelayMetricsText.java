package io.derpring.server;

import static io.derpring.internal.metrics.PrometheusText.header;
import static io.derpring.internal.metrics.PrometheusText.sample;
import static io.derpring.internal.metrics.PrometheusText.single;
import static io.derpring.metrics.MetricType.COUNTER;
import static io.derpring.metrics.MetricType.GAUGE;

import java.util.List;
import java.util.Locale;

import io.derpring.internal.frame.FrameError;
import io.derpring.internal.metrics.ProcessMetrics;
import io.derpring.internal.metrics.PrometheusText;
import io.derpring.internal.relay.DropReason;
import io.derpring.internal.relay.MeshPeer;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.internal.relay.RelayDrop;
import io.derpring.internal.relay.RelayGauge;
import io.derpring.internal.stun.StunCounter;
import io.derpring.relay.AdmissionDecision;

/**
 * The server's {@code /metrics} page, through the Prometheus writer the engine exports with. No per-client labels:
 * the label sets are fixed by enums, so a scrape's size does not grow with the number of clients.
 */
final class RelayMetricsText {
    private static final int INITIAL_PAGE_CHARS = 8192;

    private RelayMetricsText() {
    }

    static String render(final DerpRelayServer.Stats s) {
        return render(s, List.of());
    }

    /** With one sample per configured mesh peer (a few, named by the operator): still no per-client labels. */
    static String render(final DerpRelayServer.Stats s, final List<? extends MeshPeer<?>> meshPeers) {
        return page(s, meshPeers).toString();
    }

    /**
     * What the metrics port serves: the relay's families, then the process's ({@code process_cpu_seconds_total},
     * memory, fds: {@link ProcessMetrics}), which a load generator scrapes around its measured phase. The process
     * families change by themselves, so the golden page ({@link #render}) leaves them out.
     */
    static String renderWithProcess(final DerpRelayServer.Stats s, final List<? extends MeshPeer<?>> meshPeers,
                                    final ProcessMetrics process) {
        final StringBuilder b = page(s, meshPeers);
        process.write(b);
        return b.toString();
    }

    private static StringBuilder page(final DerpRelayServer.Stats s, final List<? extends MeshPeer<?>> meshPeers) {
        final StringBuilder b = new StringBuilder(INITIAL_PAGE_CHARS);
        write(b, s);
        if (!meshPeers.isEmpty()) {
            writeMesh(b, meshPeers);
        }
        return b;
    }

    private static void writeMesh(final StringBuilder out, final List<? extends MeshPeer<?>> peers) {
        header(out, "derp_mesh_peer_up", "1 while the watch connection to the mesh peer is established.", GAUGE);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_up", "peer", p.name(), p.isConnected() ? 1 : 0);
        }
        header(out, "derp_mesh_peer_keys", "Keys the mesh peer reports connected to it.", GAUGE);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_keys", "peer", p.name(), p.keyCount());
        }
        header(out, "derp_mesh_peer_keys_refused_total",
            "PeerPresent frames from the mesh peer refused: it already reported the most keys a peer may have.", COUNTER);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_keys_refused_total", "peer", p.name(), p.keysRefused());
        }
        header(out, "derp_mesh_peer_keys_forgotten_total",
            "Keys the mesh peer taught, forgotten when its watch connection broke (derper's MeshConnBroke).", COUNTER);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_keys_forgotten_total", "peer", p.name(), p.keysForgottenOnBreak());
        }
        header(out, "derp_mesh_peer_connects_total", "Completed watch connections to the mesh peer.", COUNTER);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_connects_total", "peer", p.name(), p.connects());
        }
        header(out, "derp_mesh_peer_connect_failures_total", "Dials, handshakes or connections to the mesh peer that failed.", COUNTER);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_connect_failures_total", "peer", p.name(), p.connectFailures());
        }
        header(out, "derp_mesh_peer_packets_forwarded_total", "Packets written to the mesh peer as ForwardPacket.", COUNTER);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_packets_forwarded_total", "peer", p.name(), p.packetsForwarded());
        }
        header(out, "derp_mesh_peer_packets_dropped_total", "Packets for the mesh peer's keys dropped, by reason.", COUNTER);
        for (final MeshPeer<?> p : peers) {
            sample(out, "derp_mesh_peer_packets_dropped_total", "peer", p.name(), "reason",
                DropReason.MESH_PEER_UNAVAILABLE.label(), p.packetsDroppedUnavailable());
        }
    }

    private static void write(final StringBuilder out, final DerpRelayServer.Stats s) {
        final Relay.Snapshot r = s.relay();
        single(out, "derp_connections", "Registered DERP client connections.", GAUGE, r.gauge(RelayGauge.CONNECTIONS));
        single(out, "derp_connected_keys", "Distinct node keys connected.", GAUGE, r.connectedKeys());
        header(out, "derp_queued_packets", "Packets waiting in client queues.", GAUGE);
        sample(out, "derp_queued_packets", "queue", "data", r.gauge(RelayGauge.QUEUED_DATA_PACKETS));
        sample(out, "derp_queued_packets", "queue", "disco", r.gauge(RelayGauge.QUEUED_DISCO_PACKETS));
        single(out, "derp_queued_bytes", "Frame bytes waiting in client queues.", GAUGE,
            r.gauge(RelayGauge.QUEUED_BYTES));
        single(out, "derp_handoffs_pending", "Packets handed to another loop, not yet in a client queue.", GAUGE,
            r.gauge(RelayGauge.HANDOFFS_PENDING));

        final long disco = r.counter(RelayCounter.PACKETS_RECEIVED_DISCO);
        header(out, "derp_packets_received_total", "Packets received from clients.", COUNTER);
        sample(out, "derp_packets_received_total", "kind", "disco", disco);
        sample(out, "derp_packets_received_total", "kind", "other", r.counter(RelayCounter.PACKETS_RECEIVED) - disco);
        single(out, "derp_bytes_received_total", "Packet bytes received from clients.", COUNTER,
            r.counter(RelayCounter.BYTES_RECEIVED));
        single(out, "derp_packets_forwarded_total", "Packets written to their destination.", COUNTER,
            r.counter(RelayCounter.PACKETS_FORWARDED));
        single(out, "derp_bytes_forwarded_total", "Packet bytes written to their destination.", COUNTER,
            r.counter(RelayCounter.BYTES_FORWARDED));

        header(out, "derp_packets_dropped_total", "Packets dropped, by reason and kind.", COUNTER);
        for (final RelayDrop d : RelayDrop.values()) {
            sample(out, "derp_packets_dropped_total", "reason", d.reason().label(), "kind", d.kind(), r.drop(d));
        }
        for (final RelayCounter c : RelayCounter.values()) {
            switch (c) {
                case PACKETS_RECEIVED:
                case PACKETS_RECEIVED_DISCO:
                case BYTES_RECEIVED:
                case PACKETS_FORWARDED:
                case BYTES_FORWARDED:
                    continue; // above, with their own names and labels
                default:
                    single(out, counterName(c.name()), c.label(), COUNTER, r.counter(c));
            }
        }
        header(out, "derp_connections_closed_total", "Connections ended, by reason.", COUNTER);
        for (final ConnectionEnd e : ConnectionEnd.values()) {
            sample(out, "derp_connections_closed_total", "reason", e.label(), s.ends().get(e));
        }
        header(out, "derp_protocol_errors_total", "Connections closed for breaking a DERP rule, by rule.", COUNTER);
        for (final FrameError e : FrameError.values()) {
            final Long n = s.frameErrors().get(e);
            if (n != null) {
                sample(out, "derp_protocol_errors_total", "error", e.name().toLowerCase(Locale.ROOT), n);
            }
        }
        header(out, "derp_admissions_total", "Admission decisions (SPEC 3.8), by outcome; mesh_peer: the mesh key skipped every check.",
            COUNTER);
        for (final AdmissionDecision d : AdmissionDecision.values()) {
            sample(out, "derp_admissions_total", "decision", d.label(), s.admissions().get(d));
        }
        if (!s.verifyClient().isEmpty()) {
            header(out, "derp_verify_client_url_total",
                "Admission webhook (--verify-client-url) decisions, by outcome.", COUNTER);
            for (final VerifyClientOutcome o : VerifyClientOutcome.values()) {
                sample(out, "derp_verify_client_url_total", "outcome", o.label(), s.verifyClient(o));
            }
        }
        for (final ServerCounter c : ServerCounter.values()) {
            single(out, counterName(c.name()), c.label(), COUNTER, s.server().get(c));
        }
        if (!s.stun().isEmpty()) {
            header(out, "derp_stun_requests_total", "STUN datagrams by disposition: answered, or why ignored or not "
                + "sent (Go net/stunserver's counter_requests).", COUNTER);
            for (final StunCounter c : StunCounter.values()) {
                sample(out, "derp_stun_requests_total", "disposition", c.reason(), s.stun().get(c));
            }
        }
    }

    private static String counterName(final String enumName) {
        return "derp_" + enumName.toLowerCase(Locale.ROOT) + PrometheusText.COUNTER_SUFFIX;
    }
}
