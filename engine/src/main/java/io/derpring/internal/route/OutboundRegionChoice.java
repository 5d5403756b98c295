package io.derpring.internal.route;

/**
 * The region an outbound packet for a peer goes to (SPEC §5.5): the peer's netmap home, else the region it was
 * last heard on, else our own home — and only if that region's task is live (B53). A dead choice yields none; it
 * never falls through to the next (RS {@code observed.or(home).filter(live)}). Routing a peer without a netmap home
 * via our own home is the RS divergence from Go: a wrong guess is just dropped by that server.
 */
public final class OutboundRegionChoice {
    public static final int NONE = 0;

    /** Which regions have a live task. */
    @FunctionalInterface
    public interface Liveness {
        boolean isLive(int regionId);
    }

    private OutboundRegionChoice() {
    }

    public static int choose(final int netmapHome, final int observed, final int ownHome, final Liveness live) {
        final int region = netmapHome != NONE ? netmapHome : observed != NONE ? observed : ownHome;
        return region != NONE && live.isLive(region) ? region : NONE;
    }
}
