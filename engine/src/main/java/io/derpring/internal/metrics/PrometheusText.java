package io.derpring.internal.metrics;

import io.derpring.metrics.MetricType;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE} lines, then
 * {@code name value} or {@code name{label="value"} value} samples, one per line. Shared by the relay's
 * {@code /metrics} page and the engine's {@link io.derpring.metrics.EngineMetrics}.
 *
 * <p>Static methods appending to a caller-owned {@link StringBuilder}, which a scraper may reuse
 * ({@code setLength(0)}) so that a warm scrape allocates nothing: no writer object, and numbers go through
 * {@link StringBuilder#append(long)}, not {@code toString}. Help text and label values are escaped as the format
 * requires (backslash and line feed in help; backslash, double quote and line feed in label values); names are
 * trusted, as they are constants checked where they are defined.
 */
public final class PrometheusText {
    /** The media type of this format, for an HTTP {@code Content-Type} header. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** What the format appends to a counter's name in its samples (and what Micrometer's registry adds too). */
    public static final String COUNTER_SUFFIX = "_total";

    private PrometheusText() {
    }

    /** {@code # HELP} and {@code # TYPE} for the family {@code name}: once, before its samples. */
    public static void header(final StringBuilder out, final String name, final String help, final MetricType type) {
        header(out, name, "", help, type);
    }

    /** As {@link #header(StringBuilder, String, String, MetricType)} for the family {@code name + suffix}. */
    public static void header(final StringBuilder out, final String name, final String suffix, final String help,
                              final MetricType type) {
        out.append("# HELP ").append(name).append(suffix).append(' ');
        appendEscapedHelp(out, help);
        out.append('\n');
        out.append("# TYPE ").append(name).append(suffix).append(' ')
            .append(type == MetricType.COUNTER ? "counter" : "gauge").append('\n');
    }

    /** An unlabelled sample. */
    public static void sample(final StringBuilder out, final String name, final long value) {
        sample(out, name, "", value);
    }

    /**
     * An unlabelled sample with a fractional value (seconds of CPU): Java's {@code Double.toString} form, which the
     * format accepts ("1.5", "1.0E-4", "NaN").
     */
    public static void sample(final StringBuilder out, final String name, final double value) {
        out.append(name).append(' ').append(value).append('\n');
    }

    /** An unlabelled sample of {@code name + suffix}. */
    public static void sample(final StringBuilder out, final String name, final String suffix, final long value) {
        out.append(name).append(suffix).append(' ').append(value).append('\n');
    }

    /** A sample with one label; the label's value is escaped. */
    public static void sample(final StringBuilder out, final String name, final String label,
                              final CharSequence labelValue, final long value) {
        out.append(name).append('{').append(label).append("=\"");
        appendEscapedLabelValue(out, labelValue);
        out.append("\"} ").append(value).append('\n');
    }

    /** A sample of {@code name + suffix} with one numeric label (a region id), written without a string for it. */
    public static void sample(final StringBuilder out, final String name, final String suffix, final String label,
                              final long labelValue, final long value) {
        out.append(name).append(suffix).append('{').append(label).append("=\"").append(labelValue).append("\"} ")
            .append(value).append('\n');
    }

    /** A sample with two labels; both values are escaped. */
    public static void sample(final StringBuilder out, final String name, final String label1,
                              final CharSequence value1, final String label2, final CharSequence value2,
                              final long value) {
        out.append(name).append('{').append(label1).append("=\"");
        appendEscapedLabelValue(out, value1);
        out.append("\",").append(label2).append("=\"");
        appendEscapedLabelValue(out, value2);
        out.append("\"} ").append(value).append('\n');
    }

    /** A family with one unlabelled sample: header and value. */
    public static void single(final StringBuilder out, final String name, final String help, final MetricType type,
                              final long value) {
        header(out, name, help, type);
        sample(out, name, value);
    }

    // The format: "label_value can be any sequence of UTF-8 characters, but the backslash (\), double-quote ("),
    // and line feed (\n) characters have to be escaped as \\, \", and \n"; in HELP only \ and line feed are.
    private static void appendEscapedHelp(final StringBuilder out, final CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static void appendEscapedLabelValue(final StringBuilder out, final CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
