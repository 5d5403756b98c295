/**
 * The DERP relay server: the engine's socket-free relay rules ({@code io.derpring.relay}) wired onto Netty 4.2 on the
 * chosen transport (io_uring, epoll or NIO). HTTP/1.1 on one port with the {@code /derp} upgrade and the probe
 * endpoints (SPEC §2.6), optional TLS from PEM files, raw DERP as a test setting, and Prometheus text metrics on a
 * separate port.
 *
 * <p>Protection: {@code AcceptGuard} on the listening channel applies the accept rate limit and
 * the total and per-IP connection caps before a connection gets a pipeline (no TLS, no HTTP spent on it); the
 * handshake deadline covers the HTTP request, the DERP handshake and any admission wait; the allow-list file is
 * polled on its own thread; the admission webhook ({@code VerifyClientUrl}, derper's {@code --verify-client-url})
 * asks its controller from its own threads, through a short answer cache and under an in-flight cap; the per-client
 * receive rate limit pauses reading ({@code autoRead}) rather than dropping.
 *
 * <p>Threads: each event loop is one relay shard; a connection's handlers, its {@code RelaySession} and its
 * {@code RelayClient} all run on the connection's loop. Packets for a client of another loop cross over that shard's
 * lock-free mailbox and are written after the loop's current pass ({@code executeAfterEventLoopIteration}), so each
 * client gets one write batch and one flush per pass. {@link io.derpring.server.DerpRelayServer} is thread-safe to
 * start, query and close.
 */
package io.derpring.server;
