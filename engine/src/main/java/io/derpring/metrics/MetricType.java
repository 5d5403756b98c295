package io.derpring.metrics;

/** How a metric's value behaves, in Prometheus' and Micrometer's terms. */
public enum MetricType {
    /** Only ever grows (until the engine restarts): a count of events. */
    COUNTER,
    /** Goes up and down: a depth, an occupancy, a high-water mark, a state. */
    GAUGE
}
