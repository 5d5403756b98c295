/**
 * Disco, Tailscale's peer discovery messages (SPEC §4), as derpring sees them over DERP: the sealed-packet
 * header ({@link io.derpring.internal.disco.DiscoHeaderFlyweight}, looks-like-disco), payload flyweights that read and
 * write in place over Agrona buffers ({@link io.derpring.internal.disco.PingFlyweight},
 * {@link io.derpring.internal.disco.PongFlyweight}, {@link io.derpring.internal.disco.CallMeMaybeFlyweight}, parsed by
 * {@link io.derpring.internal.disco.DiscoMessageParser}), sealing and opening with NaCl box keys cached per peer
 * ({@link io.derpring.internal.disco.DiscoSealer}, {@link io.derpring.internal.disco.DiscoOpener},
 * {@link io.derpring.internal.disco.DiscoKeyCache}), and the CallMeMaybe candidate filter that keeps a peer from making us
 * probe private, loopback or multicast addresses ({@link io.derpring.internal.disco.CallMeMaybeFilter}, SPEC §5.7).
 *
 * <p>Outcomes, not exceptions: opening or parsing bad bytes returns a {@link io.derpring.internal.disco.DiscoOpenResult}
 * (the §5.6 demux counts and drops it). Only encoder misuse (a buffer too small, a port out of range) throws
 * {@link java.lang.IllegalArgumentException}.
 *
 * <p>Threads: the demux ring stage owns its opener, key cache and parser (none is thread-safe; each holds scratch
 * state, one set per consumer thread). Flyweights are reusable views, valid until re-wrapped or until the
 * buffer they view changes. {@link io.derpring.internal.disco.CallMeMaybeFilter} and the static helpers are stateless and
 * safe anywhere. Steady state allocates nothing: a cache hit, box open, parse and filter use only preallocated
 * memory; a cache miss allocates the derived key.
 *
 * <p>SPEC sections: §4.1 wire layout and looks-like-disco, §4.2 message types and parse rules, §5.6 inbound
 * demux (open outcomes), §5.7 candidate filter; behaviours B39–B43 and B59.
 */
package io.derpring.disco;

