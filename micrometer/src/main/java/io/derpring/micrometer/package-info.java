/**
 * Micrometer for a derpring engine: {@link io.derpring.micrometer.DerpEngineMetrics} binds every metric of
 * {@link io.derpring.metrics.EngineMetrics} to a {@code MeterRegistry} as function counters and gauges that read the
 * engine's counters at publish time. Micrometer is an optional dependency: the application brings it.
 */
package io.derpring.micrometer;
