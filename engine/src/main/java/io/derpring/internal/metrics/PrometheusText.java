package io.derpring.internal.metrics;

import io.derpring.metrics.MetricType;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: {@code # HELP} and {@code # TYPE} lines, then
 * {@code name value} or {@code name{label="value"} value} samples, one per line. Shared by the relay's
 * {@code /metrics} page and the engine's {@link io.derpring.metrics.EngineMetrics}.
 *
 * <p>Appends to one caller-owned {@link StringBuilder}, which a scraper may reuse ({@code setLength(0)}) so that a
 * warm scrape allocates nothing: numbers go through {@link StringBuilder#append(long)}, not {@code toString}. Help
 * text and label values are escaped as the format requires (backslash and line feed in help; backslash, double
 * quote and line feed in label values); names are trusted, as they are constants checked where they are defined.
 * One thread at a time.
 */
public final class PrometheusText {
    /** The media type of this format, for an HTTP {@code Content-Type} header. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** What the format appends to a counter's name in its samples (and what Micrometer's registry adds too). */
    public static final String COUNTER_SUFFIX = "_total";

    private final StringBuilder out;

    public PrometheusText(final StringBuilder out) {
        this.out = out;
    }

    public StringBuilder out() {
        return out;
    }

    /** {@code # HELP} and {@code # TYPE} for the family {@code name}: once, before its samples. */
    public PrometheusText header(final String name, final String help, final MetricType type) {
        return header(name, "", help, type);
    }

    /** As {@link #header(String, String, MetricType)} for the family {@code name + suffix}, built without a copy. */
    public PrometheusText header(final String name, final String suffix, final String help, final MetricType type) {
        out.append("# HELP ").append(name).append(suffix).append(' ');
        appendEscapedHelp(help);
        out.append('\n');
        out.append("# TYPE ").append(name).append(suffix).append(' ')
            .append(type == MetricType.COUNTER ? "counter" : "gauge").append('\n');
        return this;
    }

    /** An unlabelled sample. */
    public PrometheusText sample(final String name, final long value) {
        return sample(name, "", value);
    }

    /** An unlabelled sample of {@code name + suffix}. */
    public PrometheusText sample(final String name, final String suffix, final long value) {
        out.append(name).append(suffix).append(' ').append(value).append('\n');
        return this;
    }

    /** A sample with one label; the label's value is escaped. */
    public PrometheusText sample(final String name, final String label, final CharSequence labelValue,
                                 final long value) {
        return sample(name, "", label, labelValue, value);
    }

    /** A sample of {@code name + suffix} with one label; the label's value is escaped. */
    public PrometheusText sample(final String name, final String suffix, final String label,
                                 final CharSequence labelValue, final long value) {
        out.append(name).append(suffix).append('{').append(label).append("=\"");
        appendEscapedLabelValue(labelValue);
        out.append("\"} ").append(value).append('\n');
        return this;
    }

    /** A sample with one numeric label (a region id), written without building a string for it. */
    public PrometheusText sample(final String name, final String suffix, final String label, final long labelValue,
                                 final long value) {
        out.append(name).append(suffix).append('{').append(label).append("=\"").append(labelValue).append("\"} ")
            .append(value).append('\n');
        return this;
    }

    /** A sample with two labels; both values are escaped. */
    public PrometheusText sample(final String name, final String label1, final CharSequence value1,
                                 final String label2, final CharSequence value2, final long value) {
        out.append(name).append('{').append(label1).append("=\"");
        appendEscapedLabelValue(value1);
        out.append("\",").append(label2).append("=\"");
        appendEscapedLabelValue(value2);
        out.append("\"} ").append(value).append('\n');
        return this;
    }

    /** A family with one unlabelled sample: header and value. */
    public PrometheusText single(final String name, final String help, final MetricType type, final long value) {
        return header(name, help, type).sample(name, value);
    }

    // The format: "label_value can be any sequence of UTF-8 characters, but the backslash (\), double-quote ("),
    // and line feed (\n) characters have to be escaped as \\, \", and \n"; in HELP only \ and line feed are.
    private void appendEscapedHelp(final CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private void appendEscapedLabelValue(final CharSequence s) {
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
