/**
 * Lock-free, allocation-free queues of pooled off-heap packet slots for the outbound path, shared by the engine's
 * regions and the transport's connections.
 */
package io.derpring.internal.queue;
