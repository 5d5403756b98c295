/**
 * Netty 4.2 transports for derpring: the choice of io_uring, epoll or NIO ({@link io.derpring.transport.Transport}),
 * shared event loop groups with optional thread pinning ({@link io.derpring.transport.internal.EventLoops}), and the
 * ByteBuf-to-Agrona edge ({@link io.derpring.transport.internal.ByteBufViews}) through which engine code reads Netty's memory
 * in place.
 *
 * <p>Thread rule: a group's event loops are shared by every channel registered on it; a channel's handlers run on
 * its one loop. Nothing here blocks a loop. Subpackages: {@code client} (one DERP client connection, SPEC §2, §1.4,
 * §5.11) and {@code tls} (client TLS per SPEC §5.10).
 */
package io.derpring.transport.internal;

import io.derpring.transport.Transport;
