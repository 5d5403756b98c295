/**
 * DERP framing (SPEC §1) and the handshake payloads (SPEC §2.2–§2.4).
 *
 * <p>What is here:
 * <ul>
 *   <li>{@link io.derpring.internal.frame.FrameType}, {@link io.derpring.internal.frame.DerpProtocol} and
 *       {@link io.derpring.internal.frame.FrameLimits}: the codes and constants of SPEC §1.1 and §1.3, each with its source.</li>
 *   <li>One stateless flyweight per payload layout ({@code *Flyweight}): named offsets, an ASCII diagram, explicit
 *       big-endian access. Encoders write a whole frame (header + payload) at an offset and return its length
 *       without allocating; decoders read fields in place from a payload view, and keys are compared with
 *       {@code NodeKey.matches}. Methods named {@code read*}/{@code *WithSocketAddress} allocate and are off the
 *       hot path.</li>
 *   <li>{@link io.derpring.internal.frame.FrameReader}: an incremental reader fed socket chunks; it applies one side's
 *       receive rules ({@link io.derpring.internal.frame.FrameRules}: §1.4 client, §1.5 server, §2.2 first frames) and hands
 *       complete frames to a {@link io.derpring.internal.frame.FrameHandler} as views, zero copy when a frame lies in one
 *       chunk. Fatal outcomes are {@link io.derpring.internal.frame.FrameError} values (sticky, as Go's {@code readErr});
 *       drops are {@link io.derpring.internal.frame.FrameDrop} counts; {@link io.derpring.internal.frame.DerpProtocolException}
 *       carries a {@code FrameError} where an edge throws.</li>
 *   <li>{@link io.derpring.internal.frame.ClientInfo} / {@link io.derpring.internal.frame.ServerInfo} JSON with Go's exact bytes, and
 *       {@link io.derpring.internal.frame.ClientInfoFrame} / {@link io.derpring.internal.frame.ServerInfoFrame} to seal and open them
 *       with NaCl box.</li>
 * </ul>
 *
 * <p>Threads: the flyweights, rules, constants and JSON values are stateless or immutable and safe anywhere. A
 * {@code FrameReader} belongs to one connection and is used by that connection's reading thread only; the views it
 * lends are valid only during the callback. A {@code NaclBox} passed to the handshake classes must belong to the
 * calling thread.
 */
package io.derpring.internal.frame;
