package io.derpring.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.derpring.internal.relay.DropReason;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.server.DerpRelayServer;

/**
 * Packets the relays dropped on purpose, from their own counters: what turns a shortfall into explained loss.
 * Readings are cumulative; the generator subtracts the reading taken before it started sending.
 */
abstract class RelayDrops {
    /** Every drop counter of every relay, summed (all reasons, both kinds). */
    abstract long total();

    /** False when nothing can be read (an external relay without {@code --relay-metrics}). */
    abstract boolean known();

    /** True when {@link #total()} is cheap enough to call every second and during the drain. */
    abstract boolean live();

    abstract String describe();

    /**
     * Packets the relays read from clients and RecvPackets they wrote to clients, cumulative over every relay of the
     * run (restarted ones too); both -1 when not readable. With our clients' own counts they show what was lost in
     * transit on dying connections.
     */
    long packetsReceived() {
        return -1;
    }

    long packetsForwarded() {
        return -1;
    }

    /** Drops by reason (Go's label), cumulative over every relay of the run; empty when not readable live. */
    Map<String, Long> byReason() {
        return Map.of();
    }

    /**
     * Seconds of CPU the relay processes have used ({@code process_cpu_seconds_total}, summed over every relay),
     * cumulative; NaN when it cannot be read: an embedded relay (its CPU is this process's), or a relay without
     * {@code --relay-metrics}, or a page without the family.
     */
    double cpuSeconds() {
        return Double.NaN;
    }

    static RelayDrops embedded(final List<DerpRelayServer> servers) {
        return new Embedded(servers);
    }

    static RelayDrops scraped(final List<URI> metrics) {
        return metrics.isEmpty() ? new Unknown() : new Scraped(metrics);
    }

    /**
     * Reads the embedded servers' relay counters directly. The list is live: a soak's relay restart adds the new
     * server and keeps the stopped one, whose counters still count.
     */
    private static final class Embedded extends RelayDrops {
        private final List<DerpRelayServer> servers;

        Embedded(final List<DerpRelayServer> servers) {
            this.servers = servers;
        }

        @Override
        long packetsReceived() {
            return sum(RelayCounter.PACKETS_RECEIVED);
        }

        @Override
        long packetsForwarded() {
            return sum(RelayCounter.PACKETS_FORWARDED);
        }

        private long sum(final RelayCounter c) {
            long sum = 0;
            for (final DerpRelayServer s : servers) {
                sum += s.relay().counter(c);
            }
            return sum;
        }

        @Override
        Map<String, Long> byReason() {
            final Map<String, Long> out = new LinkedHashMap<>();
            for (final DerpRelayServer s : servers) {
                for (final DropReason r : DropReason.values()) {
                    out.merge(r.label(), s.relay().drops(r), Long::sum);
                }
            }
            return out;
        }

        @Override
        long total() {
            long sum = 0;
            for (final DerpRelayServer s : servers) {
                for (final DropReason r : DropReason.values()) {
                    sum += s.relay().drops(r);
                }
            }
            return sum;
        }

        @Override
        boolean known() {
            return true;
        }

        @Override
        boolean live() {
            return true;
        }

        @Override
        String describe() {
            return "embedded relay counters";
        }
    }

    /**
     * Scrapes derpring relays' Prometheus text: the sum of every {@code derp_packets_dropped_total} sample. Other
     * traffic through the same relay is counted too; use a relay of your own for exact numbers.
     */
    static final class Scraped extends RelayDrops {
        static final String METRIC = "derp_packets_dropped_total";
        private static final Duration TIMEOUT = Duration.ofSeconds(5);
        private final List<URI> urls;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

        Scraped(final List<URI> urls) {
            this.urls = urls;
        }

        static final String CPU_METRIC = "process_cpu_seconds_total";

        @Override
        long total() {
            long sum = 0;
            for (final URI u : urls) {
                sum += sumOf(scrape(u), METRIC);
            }
            return sum;
        }

        @Override
        double cpuSeconds() {
            double sum = 0;
            for (final URI u : urls) {
                final String text = scrape(u);
                if (samples(text, CPU_METRIC) == 0) {
                    return Double.NaN; // a relay that does not export its CPU: the sum would be too small
                }
                sum += valueSum(text, CPU_METRIC);
            }
            return sum;
        }

        /** One GET of a metrics page; bounded by {@link #TIMEOUT}. */
        String scrape(final URI u) {
            try {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("relay metrics " + u + " answered HTTP " + r.statusCode());
                }
                return r.body();
            } catch (final IOException e) {
                throw new IllegalStateException("cannot scrape relay metrics " + u + ": " + e.getMessage(), e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted scraping " + u, e);
            }
        }

        /** Sums every sample of {@code metric} (any labels) in Prometheus text format. */
        static long sumOf(final String text, final String metric) {
            long sum = 0;
            for (final String line : text.split("\n")) {
                if (isSampleOf(line, metric)) {
                    sum += (long) value(line);
                }
            }
            return sum;
        }

        /** As {@link #sumOf} without truncating each value: {@code process_cpu_seconds_total 12.34}. */
        static double valueSum(final String text, final String metric) {
            double sum = 0;
            for (final String line : text.split("\n")) {
                if (isSampleOf(line, metric)) {
                    sum += value(line);
                }
            }
            return sum;
        }

        /** How many samples of {@code metric} the page has. */
        static int samples(final String text, final String metric) {
            int n = 0;
            for (final String line : text.split("\n")) {
                if (isSampleOf(line, metric)) {
                    n++;
                }
            }
            return n;
        }

        /** A sample line of exactly this metric (not a longer name with it as a prefix, not a comment). */
        private static boolean isSampleOf(final String line, final String metric) {
            if (!line.startsWith(metric) || line.length() <= metric.length()) {
                return false;
            }
            final char next = line.charAt(metric.length());
            return next == '{' || next == ' ';
        }

        private static double value(final String line) {
            return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
        }

        @Override
        boolean known() {
            return true;
        }

        @Override
        boolean live() {
            return false;
        }

        @Override
        String describe() {
            return "scraped from " + urls;
        }
    }

    /** An external relay whose counters we can't read: every shortfall stays unexplained. */
    private static final class Unknown extends RelayDrops {
        @Override
        long total() {
            return 0;
        }

        @Override
        boolean known() {
            return false;
        }

        @Override
        boolean live() {
            return false;
        }

        @Override
        String describe() {
            return "unknown (external relay without --relay-metrics)";
        }
    }
}
