/**
 * A whole DERP engine on Netty in one call: {@link io.derpring.transport.engine.NettyDerpEngine#builder()} takes the
 * engine's {@link io.derpring.engine.DerpEngineConfig} plus the transport settings the engine itself knows nothing
 * about (which Netty transport, I/O threads, pinning, TLS trust, plain-HTTP/insecure modes for tests), builds the
 * event loop group, plugs {@link io.derpring.transport.internal.client.NettyDerpDialer} into a
 * {@link io.derpring.engine.DerpEngine}, and owns the group: closing the engine closes it (SPEC §5).
 *
 * <p>Threads: the builder and {@code start}/{@code close} on any one control thread; everything else as in
 * {@link io.derpring.engine.DerpEngine} (send from any thread; region events on the conductor thread; packets on
 * the inbound stage threads); the group's {@code derpring-io-*} threads run every socket.
 */
package io.derpring.transport.engine;
