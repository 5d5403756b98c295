package io.derpring.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code loadgen --html FILE}: one self-contained page drawn from the JSON report ({@link LoadReport#toJsonMap()}):
 * throughput and p50/p99/p99.9 latency over time (the {@code series}), drops by reason, relay CPU per packet, and
 * every setting and total of the run. It reads the JSON map rather than the record so a key another change adds
 * (e.g. {@code relay_cpu_us_per_pkt}) shows up without touching this class.
 *
 * <p>Self-contained means openable offline and from an archive forever: inline SVG and CSS only, no script, no
 * font, image, stylesheet or link to anything else, and no URL at all (a relay URL is shown as
 * {@code host:port (scheme)}). The markup is well-formed XML (XHTML-compatible HTML5) so a strict parser can check it.
 */
final class HtmlReport {
    static final int CHART_WIDTH = 860;
    static final int CHART_HEIGHT = 260;
    /** Room for the y-axis labels on the left and the x-axis labels below. */
    static final int MARGIN_LEFT = 80;
    static final int MARGIN_RIGHT = 20;
    static final int MARGIN_TOP = 16;
    static final int MARGIN_BOTTOM = 36;
    static final int GRID_LINES = 5;
    static final int BAR_HEIGHT = 22;
    static final int BAR_LABEL_WIDTH = 260;

    private static final Pattern URL = Pattern.compile("\\b([a-z][a-z0-9+.-]*)://([^\\s,\\]\\}]+)");
    private static final String[] LATENCY_KEYS = {"p50_us", "p99_us", "p999_us"};
    private static final String[] LATENCY_NAMES = {"p50", "p99", "p99.9"};
    private static final String[] LATENCY_COLOURS = {"#2b7bb9", "#e08a00", "#c0392b"};
    private static final String THROUGHPUT_COLOUR = "#2e8b57";
    private static final String STYLE = "body{font-family:sans-serif;margin:24px;color:#222;max-width:960px}"
        + "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:28px;border-bottom:1px solid #ccc}"
        + "table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:2px 8px;"
        + "text-align:left}td.n{text-align:right}.ok{color:#2e8b57}.bad{color:#c0392b}"
        + "svg text{font-size:11px;fill:#444}.none{color:#888;font-style:italic}";

    private HtmlReport() {
    }

    static void write(final Map<String, Object> json, final Path file) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(json), StandardCharsets.UTF_8);
    }

    static String render(final Map<String, Object> json) {
        final StringBuilder b = new StringBuilder(32 * 1024);
        final String title = "derpring loadgen: " + json.get("pairs") + " pairs, " + json.get("size") + " B, "
            + json.get("client") + ", " + json.get("transport");
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>").append(esc(title))
            .append("</title><style>").append(STYLE).append("</style></head><body>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        final boolean ok = Boolean.TRUE.equals(json.get("ok"));
        b.append("<p class=\"").append(ok ? "ok" : "bad").append("\">").append(ok
            ? "OK: nothing lost without a reason, duplicated or corrupted" : "FAILED: unexplained loss, duplication or "
            + "corruption").append(" &#8212; ").append(fmt("%,.0f pkt/s, %,.1f Mbit/s", num(json, "throughput_pps"),
                num(json, "throughput_mbps"))).append("</p>\n");
        final Map<?, ?> series = json.get("series") instanceof Map ? (Map<?, ?>) json.get("series") : Map.of();
        final List<Double> t = doubles(series.get("t_s"));
        final List<?> phases = series.get("phase") instanceof List ? (List<?>) series.get("phase") : List.of();

        b.append("<h2>Throughput over time</h2>\n");
        chart(b, "throughput", t, phases, List.of(doubles(series.get("pps"))), List.of("received pkt/s"),
            List.of(THROUGHPUT_COLOUR), "pkt/s");
        b.append("<h2>Latency over time (per second, from scheduled send time)</h2>\n");
        final List<List<Double>> lat = new ArrayList<>();
        for (final String k : LATENCY_KEYS) {
            lat.add(doubles(series.get(k)));
        }
        chart(b, "latency", t, phases, lat, List.of(LATENCY_NAMES), List.of(LATENCY_COLOURS), "µs");
        drops(b, json);
        relayCpu(b, json);
        settings(b, json);
        samples(b, series, t, phases);
        b.append("</body></html>\n");
        return b.toString();
    }

    /**
     * A line chart: one polyline per series over the sample times, the measured phase shaded, {@link #GRID_LINES}
     * labelled grid lines from 0 to the largest value.
     */
    private static void chart(final StringBuilder b, final String id, final List<Double> t, final List<?> phases,
                              final List<List<Double>> lines, final List<String> names, final List<String> colours,
                              final String unit) {
        if (t.isEmpty()) {
            b.append("<p class=\"none\">no samples (the run was shorter than a second)</p>\n");
            return;
        }
        final double x0 = t.get(0);
        final double x1 = Math.max(t.get(t.size() - 1), x0 + 1);
        double yMax = 0;
        for (final List<Double> line : lines) {
            for (final double v : line) {
                yMax = Math.max(yMax, v);
            }
        }
        yMax = yMax <= 0 ? 1 : niceCeiling(yMax);
        final int plotW = CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
        final int plotH = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        b.append("<svg id=\"").append(id).append("\" width=\"").append(CHART_WIDTH).append("\" height=\"")
            .append(CHART_HEIGHT).append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ').append(CHART_HEIGHT)
            .append("\" role=\"img\">\n");
        final int first = phases.indexOf("measure");
        final int last = phases.lastIndexOf("measure");
        if (first >= 0) {
            final double xa = MARGIN_LEFT + plotW * (t.get(first) - x0) / (x1 - x0);
            final double xb = MARGIN_LEFT + plotW * (t.get(last) - x0) / (x1 - x0);
            b.append(fmt("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f1f6fb\"/>\n", xa, MARGIN_TOP,
                Math.max(1, xb - xa), plotH));
            b.append(fmt("<text x=\"%.1f\" y=\"%d\">measured</text>\n", xa + 4, MARGIN_TOP + 12));
        }
        for (int g = 0; g <= GRID_LINES; g++) {
            final double y = MARGIN_TOP + plotH - plotH * g / (double) GRID_LINES;
            b.append(fmt("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", MARGIN_LEFT, y,
                MARGIN_LEFT + plotW, y));
            b.append(fmt("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", MARGIN_LEFT - 6, y + 4,
                esc(axisLabel(yMax * g / GRID_LINES))));
        }
        for (int g = 0; g <= GRID_LINES; g++) {
            final double x = MARGIN_LEFT + plotW * g / (double) GRID_LINES;
            b.append(fmt("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>", x,
                MARGIN_TOP + plotH + 16, x0 + (x1 - x0) * g / GRID_LINES));
        }
        b.append(fmt("<text x=\"%d\" y=\"%d\">%s</text>\n", 4, MARGIN_TOP + 10, esc(unit)));
        for (int s = 0; s < lines.size(); s++) {
            final List<Double> line = lines.get(s);
            b.append("<polyline class=\"series\" data-series=\"").append(esc(names.get(s)))
                .append("\" fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colours.get(s)).append("\" points=\"");
            for (int i = 0; i < Math.min(line.size(), t.size()); i++) {
                b.append(fmt("%.1f,%.1f ", MARGIN_LEFT + plotW * (t.get(i) - x0) / (x1 - x0),
                    MARGIN_TOP + plotH - plotH * Math.min(line.get(i), yMax) / yMax));
            }
            b.append("\"/>\n");
            b.append(fmt("<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", CHART_WIDTH - MARGIN_RIGHT - 240 + 80 * s,
                CHART_HEIGHT - 4, colours.get(s), esc(names.get(s))));
        }
        b.append("</svg>\n");
    }

    /** Every drop counter of the run as a bar: the relay's, each of our clients', lost in transit, unexplained. */
    private static void drops(final StringBuilder b, final Map<String, Object> json) {
        b.append("<h2>Drops by reason</h2>\n");
        final Map<String, Long> reasons = new LinkedHashMap<>();
        if (Boolean.FALSE.equals(json.get("relay_drops_known"))) {
            b.append("<p class=\"none\">relay drops: unknown (an external relay without --relay-metrics)</p>\n");
        } else if (json.get("dropped_by_relay_detail") instanceof Map) {
            ((Map<?, ?>) json.get("dropped_by_relay_detail")).forEach((k, v) -> reasons.put("relay: " + k, lng(v)));
        } else {
            reasons.put("relay (all reasons)", lng(json.get("dropped_by_relay")));
        }
        if (json.get("dropped_by_client_detail") instanceof Map) {
            ((Map<?, ?>) json.get("dropped_by_client_detail")).forEach((k, v) -> reasons.put("client: " + k, lng(v)));
        }
        reasons.put("lost in transit (dead connections)", lng(json.get("lost_in_transit")));
        reasons.put("unexplained", lng(json.get("unexplained_lost")));
        long max = 1;
        for (final long v : reasons.values()) {
            max = Math.max(max, v);
        }
        final int barW = CHART_WIDTH - BAR_LABEL_WIDTH - 120;
        b.append("<svg id=\"drops\" width=\"").append(CHART_WIDTH).append("\" height=\"")
            .append(BAR_HEIGHT * reasons.size() + 8).append("\" role=\"img\">\n");
        int row = 0;
        for (final Map.Entry<String, Long> e : reasons.entrySet()) {
            final int y = 4 + row++ * BAR_HEIGHT;
            b.append(fmt("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", BAR_LABEL_WIDTH - 8,
                y + BAR_HEIGHT - 8, esc(e.getKey())));
            b.append(fmt("<rect class=\"drop\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                BAR_LABEL_WIDTH, y + 3, Math.max(e.getValue() > 0 ? 1 : 0, barW * e.getValue() / (double) max),
                BAR_HEIGHT - 6, e.getKey().equals("unexplained") ? "#c0392b" : "#e08a00"));
            b.append(fmt("<text x=\"%d\" y=\"%d\">%,d</text>\n", BAR_LABEL_WIDTH + barW + 8, y + BAR_HEIGHT - 8,
                e.getValue()));
        }
        b.append("</svg>\n");
        b.append(fmt("<p>sent %,d, received %,d (data packets)</p>\n", lng(json.get("sent")),
            lng(json.get("received"))));
    }

    /** The relay's CPU per delivered packet when the run measured it (a scraped relay), else says it was not. */
    private static void relayCpu(final StringBuilder b, final Map<String, Object> json) {
        b.append("<h2>Relay CPU per packet</h2>\n");
        final Object perPacket = json.get("relay_cpu_us_per_pkt");
        if (!(perPacket instanceof Number) || ((Number) perPacket).doubleValue() < 0) {
            b.append("<p id=\"relay-cpu\" class=\"none\">not measured (needs an out-of-process relay scraped with "
                + "--relay-metrics)</p>\n");
            return;
        }
        b.append("<p id=\"relay-cpu\"><b>").append(fmt("%.2f", ((Number) perPacket).doubleValue()))
            .append(" µs</b> of relay CPU per delivered packet");
        if (json.get("relay_cpu_s") instanceof Number) {
            b.append(fmt(" (%.3f s relay CPU in the measured phase)", ((Number) json.get("relay_cpu_s")).doubleValue()));
        }
        b.append("</p>\n");
        final StringBuilder baseline = new StringBuilder();
        for (final String k : new String[] {"baseline_tcp_mbps", "baseline_cpu_us_per_pkt", "ratio_to_baseline"}) {
            if (json.containsKey(k)) {
                baseline.append("<tr><th>").append(k).append("</th><td class=\"n\">").append(esc(text(json.get(k))))
                    .append("</td></tr>");
            }
        }
        if (baseline.length() > 0) {
            b.append("<table>").append(baseline).append("</table>\n");
        }
    }

    /** Every top-level key of the JSON but the series: settings, totals, latency, memory. */
    private static void settings(final StringBuilder b, final Map<String, Object> json) {
        b.append("<h2>Settings and totals</h2>\n<table id=\"settings\">\n");
        for (final Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals("series")) {
                continue;
            }
            b.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(text(e.getValue())))
                .append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static void samples(final StringBuilder b, final Map<?, ?> series, final List<Double> t,
                                final List<?> phases) {
        b.append("<h2>Samples</h2>\n<details><summary>").append(t.size()).append(" samples, one every ")
            .append(esc(text(series.get("sample_every_s")))).append(" s</summary>\n<table id=\"samples\"><tr><th>t "
                + "(s)</th><th>phase</th><th>pkt/s</th><th>p50 µs</th><th>p99 µs</th><th>p99.9 µs</th></tr>\n");
        final List<Double> pps = doubles(series.get("pps"));
        final List<List<Double>> lat = new ArrayList<>();
        for (final String k : LATENCY_KEYS) {
            lat.add(doubles(series.get(k)));
        }
        for (int i = 0; i < t.size(); i++) {
            b.append(fmt("<tr><td class=\"n\">%.1f</td><td>%s</td><td class=\"n\">%,.0f</td>", t.get(i),
                esc(i < phases.size() ? String.valueOf(phases.get(i)) : ""), at(pps, i)));
            for (final List<Double> l : lat) {
                b.append(fmt("<td class=\"n\">%.1f</td>", at(l, i)));
            }
            b.append("</tr>\n");
        }
        b.append("</table></details>\n");
    }

    /** The next 1, 2 or 5 x 10^n at or above {@code v}: grid labels that read well. */
    static double niceCeiling(final double v) {
        final double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (final double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String axisLabel(final double v) {
        return v >= 10_000 ? fmt("%,.0f", v) : v >= 10 ? fmt("%.0f", v) : fmt("%.2f", v);
    }

    /** A JSON value as text, with any URL written as {@code host:port (scheme)}: the page names no address. */
    static String text(final Object v) {
        return URL.matcher(String.valueOf(v)).replaceAll("$2 ($1)");
    }

    static String esc(final String s) {
        final StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static List<Double> doubles(final Object list) {
        final List<Double> out = new ArrayList<>();
        if (list instanceof List) {
            for (final Object o : (List<?>) list) {
                out.add(o instanceof Number ? ((Number) o).doubleValue() : 0.0);
            }
        }
        return out;
    }

    private static double at(final List<Double> l, final int i) {
        return i < l.size() ? l.get(i) : 0.0;
    }

    private static double num(final Map<String, Object> json, final String key) {
        return json.get(key) instanceof Number ? ((Number) json.get(key)).doubleValue() : 0.0;
    }

    private static long lng(final Object v) {
        return v instanceof Number ? ((Number) v).longValue() : 0L;
    }

    private static String fmt(final String format, final Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
