package io.derpring.server;

import java.util.Locale;

import io.derpring.internal.frame.FrameError;
import io.derpring.relay.AdmissionDecision;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.internal.relay.RelayDrop;
import io.derpring.internal.relay.RelayGauge;

/**
 * Renders the server's numbers in the Prometheus text exposition format (version 0.0.4). No per-client labels:
 * the label sets are fixed by enums, so a scrape's size does not grow with the number of clients.
 */
final class PrometheusText {
    private PrometheusText() {
    }

    static String render(final DerpRelayServer.Stats s) {
        final StringBuilder b = new StringBuilder(8192);
        final Relay.Snapshot r = s.relay();
        gauge(b, "derp_connections", "Registered DERP client connections.", r.gauge(RelayGauge.CONNECTIONS));
        gauge(b, "derp_connected_keys", "Distinct node keys connected.", r.connectedKeys());
        header(b, "derp_queued_packets", "Packets waiting in client queues.", "gauge");
        sample(b, "derp_queued_packets", "queue", "data", r.gauge(RelayGauge.QUEUED_DATA_PACKETS));
        sample(b, "derp_queued_packets", "queue", "disco", r.gauge(RelayGauge.QUEUED_DISCO_PACKETS));
        gauge(b, "derp_queued_bytes", "Frame bytes waiting in client queues.", r.gauge(RelayGauge.QUEUED_BYTES));

        header(b, "derp_packets_received_total", "Packets received from clients.", "counter");
        final long disco = r.counter(RelayCounter.PACKETS_RECEIVED_DISCO);
        sample(b, "derp_packets_received_total", "kind", "disco", disco);
        sample(b, "derp_packets_received_total", "kind", "other", r.counter(RelayCounter.PACKETS_RECEIVED) - disco);
        counter(b, "derp_bytes_received_total", "Packet bytes received from clients.", r.counter(RelayCounter.BYTES_RECEIVED));
        counter(b, "derp_packets_forwarded_total", "Packets written to their destination.", r.counter(RelayCounter.PACKETS_FORWARDED));
        counter(b, "derp_bytes_forwarded_total", "Packet bytes written to their destination.", r.counter(RelayCounter.BYTES_FORWARDED));

        header(b, "derp_packets_dropped_total", "Packets dropped, by reason and kind.", "counter");
        for (final RelayDrop d : RelayDrop.values()) {
            b.append("derp_packets_dropped_total{reason=\"").append(d.reason().label()).append("\",kind=\"")
                .append(d.kind()).append("\"} ").append(r.drop(d)).append('\n');
        }
        for (final RelayCounter c : RelayCounter.values()) {
            switch (c) {
                case PACKETS_RECEIVED:
                case PACKETS_RECEIVED_DISCO:
                case BYTES_RECEIVED:
                case PACKETS_FORWARDED:
                case BYTES_FORWARDED:
                    continue;
                default:
                    counter(b, "derp_" + c.name().toLowerCase(Locale.ROOT) + "_total", c.label(), r.counter(c));
            }
        }
        header(b, "derp_connections_closed_total", "Connections ended, by reason.", "counter");
        for (final ConnectionEnd e : ConnectionEnd.values()) {
            sample(b, "derp_connections_closed_total", "reason", e.label(), s.ends().get(e));
        }
        header(b, "derp_protocol_errors_total", "Connections closed for breaking a DERP rule, by rule.", "counter");
        for (final FrameError e : FrameError.values()) {
            final Long n = s.frameErrors().get(e);
            if (n != null) {
                sample(b, "derp_protocol_errors_total", "error", e.name().toLowerCase(Locale.ROOT), n);
            }
        }
        header(b, "derp_admissions_total", "Admission decisions for non-mesh clients (SPEC 3.8), by outcome.", "counter");
        for (final AdmissionDecision d : AdmissionDecision.values()) {
            sample(b, "derp_admissions_total", "decision", d.label(), s.admissions().get(d));
        }
        for (final ServerCounter c : ServerCounter.values()) {
            counter(b, "derp_" + c.name().toLowerCase(Locale.ROOT) + "_total", c.label(), s.server().get(c));
        }
        return b.toString();
    }

    private static void header(final StringBuilder b, final String name, final String help, final String type) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(final StringBuilder b, final String name, final String help, final long value) {
        header(b, name, help, "gauge");
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void counter(final StringBuilder b, final String name, final String help, final long value) {
        header(b, name, help, "counter");
        b.append(name).append(' ').append(value).append('\n');
    }

    private static void sample(final StringBuilder b, final String name, final String label, final String value,
                               final long n) {
        b.append(name).append('{').append(label).append("=\"").append(value).append("\"} ").append(n).append('\n');
    }
}
