package io.derpring.internal.region;

import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.keys.NodeKey;
import io.derpring.region.RegionListener;

/**
 * The embedder's {@link RegionListener} as the conductor calls it: whatever a callback throws stays here, counted
 * ({@link RegionCounter#LISTENER_ERRORS}) and logged once per kind. Without it one throwing callback would abort the
 * conductor's duty cycle half way, e.g. in the middle of closing every region, leaving connections open and queued
 * packets uncounted. A {@link VirtualMachineError} is not the listener's fault and is left to the conductor.
 */
public final class GuardedRegionListener implements RegionListener {
    private static final String WHERE = "RegionListener callback (the engine carries on)";

    private final RegionListener embedder;
    private final Counters<RegionCounter> counters;
    private final DistinctErrorLog errors;

    public GuardedRegionListener(final RegionListener embedder, final Counters<RegionCounter> counters,
                                 final DistinctErrorLog errors) {
        this.embedder = embedder;
        this.counters = counters;
        this.errors = errors;
    }

    @Override
    public void onConnected(final int regionId, final String nodeName) {
        try {
            embedder.onConnected(regionId, nodeName);
        } catch (final VirtualMachineError fatal) {
            throw fatal;
        } catch (final Throwable t) {
            caught(t);
        }
    }

    @Override
    public void onDisconnected(final int regionId, final Throwable cause) {
        try {
            embedder.onDisconnected(regionId, cause);
        } catch (final VirtualMachineError fatal) {
            throw fatal;
        } catch (final Throwable t) {
            caught(t);
        }
    }

    @Override
    public void onHealth(final int regionId, final String problem) {
        try {
            embedder.onHealth(regionId, problem);
        } catch (final VirtualMachineError fatal) {
            throw fatal;
        } catch (final Throwable t) {
            caught(t);
        }
    }

    @Override
    public void onPeerGone(final int regionId, final NodeKey peer, final int reason) {
        try {
            embedder.onPeerGone(regionId, peer, reason);
        } catch (final VirtualMachineError fatal) {
            throw fatal;
        } catch (final Throwable t) {
            caught(t);
        }
    }

    @Override
    public void onPeerPresent(final int regionId, final NodeKey peer) {
        try {
            embedder.onPeerPresent(regionId, peer);
        } catch (final VirtualMachineError fatal) {
            throw fatal;
        } catch (final Throwable t) {
            caught(t);
        }
    }

    @Override
    public void onHomeChanged(final int oldHome, final int newHome) {
        try {
            embedder.onHomeChanged(oldHome, newHome);
        } catch (final VirtualMachineError fatal) {
            throw fatal;
        } catch (final Throwable t) {
            caught(t);
        }
    }

    private void caught(final Throwable t) {
        counters.increment(RegionCounter.LISTENER_ERRORS);
        errors.record(WHERE, t);
    }
}
