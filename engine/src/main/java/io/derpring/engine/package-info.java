/**
 * The embeddable engine: {@link io.derpring.engine.DerpEngine} wires the inbound ring and its stages, the region
 * conductor, the outbound router and a transport's dialer, from one validated
 * {@link io.derpring.internal.engine.DerpEngineConfig} (SPEC §5). Embedders make every setting through a transport's
 * builder ({@code NettyDerpEngine.builder()}); the choices it takes — {@link io.derpring.engine.RingFullPolicy},
 * {@link io.derpring.engine.StageThreading}, {@link io.derpring.engine.WaitStrategyChoice},
 * {@link io.derpring.engine.ReconnectSchedule} — live here.
 *
 * <p>Threads: the caller's threads for {@code send}/{@code sendDisco} (lock-free); one conductor thread
 * ({@code derpring-regions}) for region lifecycle and {@link io.derpring.region.RegionListener} callbacks; the
 * inbound stage thread(s) for {@link io.derpring.dataplane.Dataplane} and
 * {@link io.derpring.disco.DirectPathSink} callbacks; the transport's I/O threads for reading and writing sockets.
 * In invoker mode ({@link io.derpring.engine.DerpEngine#startInvoker()}) the conductor's and the stages' work runs
 * on the embedder's thread that calls {@code invoke()}, and the engine starts no thread.
 */
package io.derpring.engine;
