/**
 * One DERP client connection on Netty ({@link io.derpring.transport.internal.client.DerpNodeConnection}): dial (IPv6/IPv4 race,
 * DNS off the loop), TLS, the HTTP upgrade and fast start (SPEC §2.6), the handshake (§2.2–§2.4), the client receive
 * rules (§1.4, through the engine's {@code FrameReader}), the client send limiter (§2.5), keepalive and write
 * deadlines, and backpressure in both directions: a bounded outbound queue that back-pressures
 * the sender (or drops its oldest, Go's §5.1 / B65, as an option) with a smaller one for disco frames, and a pause of
 * reading while the inbound ring is full (§5.11). {@link io.derpring.transport.internal.client.NettyDerpDialer} plugs it into
 * the engine's region conductor: a connection is the engine's {@code DerpLink}.
 *
 * <p>Thread rule: each connection lives on one event loop of a shared group; all channel state, frame handling and
 * every {@link io.derpring.transport.internal.client.DerpNodeListener} call run there. Callers on any thread may
 * {@code send}, {@code sendPing}, {@code notePreferred} and {@code close}: those only touch lock-free queues and
 * flags and wake the loop with pre-allocated tasks. The inbound ring's resume callback may arrive from a ring stage
 * thread and hops onto the loop the same way. Time comes from the settings' injectable nano clock.
 */
package io.derpring.transport.internal.client;
