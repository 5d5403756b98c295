/**
 * A whole DERP engine on Netty in one call: {@link io.derpring.transport.engine.NettyDerpEngine#builder()} is the one
 * place every setting is made — the engine's (regions, inbound ring, disco), the transport's (which Netty transport,
 * I/O threads, pinning, TLS trust, plain-HTTP/insecure modes for tests) and each connection's (deadlines, queues) —
 * each validated when set. It builds or borrows the event loop group, plugs
 * {@link io.derpring.transport.internal.client.NettyDerpDialer} into a {@link io.derpring.engine.DerpEngine}, and
 * closes the group on close only if it created it (SPEC §5).
 *
 * <p>Threads: the builder and {@code start}/{@code close} on any one control thread; everything else as in
 * {@link io.derpring.engine.DerpEngine} (send from any thread; region events on the conductor thread; packets on
 * the inbound stage threads); the group's threads ({@code derpring-io-*} when the engine made it) run every socket.
 */
package io.derpring.transport.engine;
