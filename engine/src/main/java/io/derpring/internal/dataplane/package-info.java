/**
 * Stage 3: hand-off of relayed packets to the WireGuard side.
 *
 * <p>{@link io.derpring.dataplane.Dataplane} is called on the inbound ring's last stage thread, one packet at a
 * time, zero-copy: the buffer is a view of the ring slot, valid only until the call returns, after which the slot
 * is reused. Implementations must not block (a blocked dataplane stalls the ring and, through backpressure, every
 * DERP connection) and must copy what they keep.
 */
package io.derpring.internal.dataplane;

import io.derpring.dataplane.Dataplane;
