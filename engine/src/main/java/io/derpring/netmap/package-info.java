/**
 * The network map as the packet engine sees it: an immutable {@link io.derpring.netmap.Netmap} snapshot mapping
 * each peer's node key to a small dense peer id, with its disco key and netmap home DERP region, and the
 * {@link io.derpring.internal.netmap.NetmapHolder} that swaps snapshots.
 *
 * <p>Implements the netmap side of SPEC §5.4 (routes only for netmap peers, pruned on update: B52), §5.5 (a peer's
 * netmap home region comes first), and §5.6 (RecvPacket from keys not in the netmap is dropped: B64; a CallMeMaybe
 * disco key must belong to the node that relayed it: B54/B55). Hot-path lookups read key bytes in place from a
 * {@code DirectBuffer} and allocate nothing.
 *
 * <p>Thread rule: snapshots are immutable and may be read from any thread. They are swapped through a volatile
 * field by a single writer; readers read it once per batch and never lock. Peer ids are valid only within the
 * snapshot that issued them.
 */
package io.derpring.netmap;

