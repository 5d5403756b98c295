/**
 * One DERP connection per region of the DERP map (SPEC §5.1–§5.3, §5.8): the home region always connected, others
 * woken by traffic and closed after an idle grace period, reconnects with Go's backoff, home changes with
 * NotePreferred, DERP-map updates closing changed or removed regions.
 *
 * <p>Thread rule: a single conductor thread ({@link io.derpring.internal.region.RegionConductor#doWork}) owns every
 * {@link io.derpring.internal.region.RegionRunner}. Other threads reach it through a command queue (link events, API calls)
 * or, on the send path, through a {@link io.derpring.internal.region.RegionSlot}'s lock-free queues and flags. Transports plug
 * in through {@link io.derpring.internal.region.DerpDialer} and {@link io.derpring.internal.region.DerpLink}.
 */
package io.derpring.internal.region;
