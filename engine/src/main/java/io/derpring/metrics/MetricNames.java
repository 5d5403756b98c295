package io.derpring.metrics;

/** The Prometheus data model's name rule, checked once when a metric is defined rather than at every scrape. */
final class MetricNames {
    private MetricNames() {
    }

    /** Returns {@code name} if it matches {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
    static String requireValid(final String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("metric name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            final boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("metric name '" + name + "' breaks [a-zA-Z_:][a-zA-Z0-9_:]* at "
                    + "index " + i);
            }
        }
        return name;
    }
}
