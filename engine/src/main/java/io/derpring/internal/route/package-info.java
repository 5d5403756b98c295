/**
 * Observed-route learning and the outbound region choice (SPEC §5.4, §5.5).
 *
 * <p>{@link io.derpring.internal.route.ObservedRoutes} remembers the region each netmap peer was last heard on. The inbound
 * route-learning stage is its single writer; outbound senders on any thread read it without locks. Netmap updates
 * (on the control thread) rebuild the table for the new snapshot, keeping only peers still in the netmap.
 */
package io.derpring.internal.route;
