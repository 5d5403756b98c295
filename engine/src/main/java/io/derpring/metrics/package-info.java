/**
 * An engine's numbers for embedders: {@link io.derpring.metrics.EngineMetrics} lists every engine-wide
 * {@link io.derpring.metrics.Metric} (inbound ring, outbound regions, client connections) and every per-region
 * {@link io.derpring.metrics.RegionMetric} (queue depths by region id), each read live from the engine's counters
 * without allocating. The Prometheus text writer and the Micrometer binder ({@code derpring-micrometer}) read the
 * same list, so the two exports cannot disagree.
 *
 * <p>Thread rule: any thread may read, at any time; values are at most momentarily stale.
 */
package io.derpring.metrics;
