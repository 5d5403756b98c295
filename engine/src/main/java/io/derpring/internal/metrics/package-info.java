/**
 * Counters instead of logs: each counted event has a descriptor with a stable id and label (as Aeron's
 * {@code SystemCounterDescriptor}), and its count lives in one slot of a lock-free {@link io.derpring.internal.metrics.Counters}.
 *
 * <p>Any thread may increment; readers (metrics scrapes, tests) see values that are at most momentarily stale.
 */
package io.derpring.internal.metrics;
