/**
 * The inbound ring: a Disruptor {@code RingBuffer} of {@link io.derpring.internal.ring.FrameSlot}s whose payloads are fixed
 * slices of one pre-allocated off-heap slab (SPEC §5.4–§5.6; design card "inbound pipeline").
 *
 * <p>Producers are I/O threads: {@link io.derpring.internal.ring.InboundRing#offer} resolves the sender in the current
 * {@code Netmap}, claims a slot with {@code tryNext()} (never blocking), copies the packet once and publishes in
 * {@code finally}. Consumers are the stages — observed-route learning, disco demux, dataplane hand-off — run fused on
 * one thread, chained on three, or fused on the caller's thread through an Agrona agent
 * ({@link io.derpring.engine.StageThreading}). The ring owns the slab; stages only
 * read slots between their {@code onEvent} call and its return.
 */
package io.derpring.internal.ring;

import io.derpring.engine.StageThreading;
