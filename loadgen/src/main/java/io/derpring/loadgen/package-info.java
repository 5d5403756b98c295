/**
 * The synthetic DERP traffic generator behind {@code derpring loadgen}: pairs of DERP clients (bare connections or
 * full engines) on embedded or external relays, checksummed and sequenced packets, flow control by cumulative acks
 * through the relay, latency from each packet's scheduled send time (HdrHistogram, no coordinated omission), and
 * exact loss accounting: every packet sent is received, or dropped on purpose by the relay (its own counters) or by
 * our client (its queue and ring counters), or lost in transit on a connection that died (both ends' counters), or
 * reported as unexplained. With {@code --fault-proxy} a soak injects faults between clients and relay
 * ({@link io.derpring.loadgen.fault}) and times the clients' recovery.
 *
 * <p>Threads: one sender thread ({@link io.derpring.loadgen.TrafficSender}) writes every pair's send-side state; each
 * inbound ring's stage thread runs one {@link io.derpring.loadgen.TrafficSink}, which writes the receive-side state
 * of the pairs whose packets land there; the progress printer and the run's caller only read. No locks where packets
 * flow and no allocation per packet on the send or receive path. Exercises SPEC §1 (frames), §2.6 (plain HTTP and
 * TLS upgrade), §3.2 (relay drop reasons) and §5.1 (client queue drops).
 */
package io.derpring.loadgen;
