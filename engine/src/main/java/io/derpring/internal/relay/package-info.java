/**
 * The DERP relay's rules with no sockets (SPEC §1.5, §2.2, §3): the client registry by node key, the duplicate
 * connection policy (§3.5), SendPacket → RecvPacket forwarding with bytes unchanged (§3.2), unknown destinations and
 * the rate-limited PeerGone(NotHere), PeerGone(Disconnected) to the receivers of a departing key (§3.4), two bounded
 * queues per client (data and disco), Ping → Pong, the KeepAlive schedule (§3.6), mesh admission and the mesh-only
 * frames (§3.8, §3.9), the optional per-client receive rate limit ({@link io.derpring.internal.relay.ReceiveRateLimiter}, §3.7)
 * and asynchronous admission ({@link io.derpring.internal.relay.AdmissionChain} of an allow-list and
 * {@link io.derpring.relay.ClientAdmission} callbacks, §3.8; mesh peers exempt from both). A transport drives it by method calls and supplies three small interfaces: a
 * {@link io.derpring.internal.relay.ClientSink} per connection (engine to wire), a {@link io.derpring.internal.relay.FrameMemory} for
 * queued frames (pooled, off-heap in the server) and a {@link io.derpring.internal.relay.ShardScheduler} per shard.
 *
 * <p>Threads: one {@link io.derpring.internal.relay.RelayShard} per event loop. A shard and every
 * {@link io.derpring.internal.relay.RelayClient} it owns are used only by that loop's thread: queues, timers and dirty lists
 * are plain fields. The {@link io.derpring.internal.relay.Relay} registry is a concurrent map read without locks on the
 * forwarding path (the active connection of a key is a volatile field); only connect, disconnect and duplicate
 * bookkeeping lock the one key's {@code ClientSet}. A packet for a client of another shard crosses over that shard's
 * lock-free {@code ShardMailbox} and is written on the next pass of its loop; rare control work (PeerGone broadcasts,
 * ClosePeer, mesh updates) crosses as commands. Counters are per shard and summed when read.
 */
package io.derpring.internal.relay;

import io.derpring.relay.ClientAdmission;
