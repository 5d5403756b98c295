package io.derpring.internal.region;

import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.engine.SendResult;
import io.derpring.internal.queue.OutboundQueue;
import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;

/**
 * One region's connection task (RS multiderp runner): dormant until traffic or home, connecting, connected,
 * backing off after a failure. Conductor thread only; fields read by {@link #status()} are volatile.
 */
final class RegionRunner {
    private static final long FRAME_RECEIVE_RECORD_RATE_NS = RegionStatus.FRAME_RECEIVE_RECORD_RATE.toNanos();

    private final RegionConductor conductor;
    final RegionSlot slot;
    private final ReconnectBackoff backoff;
    private final Counters<RegionCounter> counters;

    private DerpRegion region;
    private volatile RegionState state = RegionState.DORMANT;
    private volatile boolean home;
    private DerpLink link;
    /** Bumped on every dial and on purposeful closes, so events from an older link are ignored. */
    private long generation;
    private int nodeIndex;
    private long retryAtNs;
    private volatile String nodeName;
    private volatile String health = "";
    private volatile String lastError;
    private volatile long connectedSinceNs;
    /** The current connection has proven itself (lived long enough or received a packet) and reset the backoff. */
    private boolean proven;
    /** The current dial's events: rebind tells it which Pong to pass on. */
    private RegionConductor.DialEvents events;
    /** A rebind Ping is unanswered on the current connection; it closes at {@link #rebindPingDeadlineNs}. */
    private boolean rebindPingPending;
    private long rebindPingData;
    private long rebindPingDeadlineNs;
    /** The received-frame health stamp (SPEC §5.11); 0 before the first frame. */
    private volatile long frameStampNs;

    RegionRunner(final RegionConductor conductor, final DerpRegion region, final RegionSlot slot,
                 final ReconnectBackoff backoff, final Counters<RegionCounter> counters) {
        this.conductor = conductor;
        this.region = region;
        this.slot = slot;
        this.backoff = backoff;
        this.counters = counters;
    }

    int regionId() {
        return slot.regionId;
    }

    DerpRegion region() {
        return region;
    }

    RegionState state() {
        return state;
    }

    boolean isHome() {
        return home;
    }

    /** One duty-cycle step; returns the work done (0 = nothing to do). */
    int tick(final long nowNs, final long idleNs) {
        switch (state) {
            case DORMANT:
                if (home || wantsConnection()) {
                    if (!home) {
                        counters.increment(RegionCounter.WAKES);
                    }
                    dial(nowNs);
                    return 1;
                }
                return 0;
            case CONNECTED:
                proveStable(nowNs);
                stampReceivedFrame(link.lastFrameReceivedNs());
                if (rebindPingPending && nowNs - rebindPingDeadlineNs >= 0) {
                    counters.increment(RegionCounter.REBIND_PING_TIMEOUTS);
                    closeForRebind(nowNs);
                    return 1;
                }
                final int flushed = flushQueued();
                if (!home && nowNs - lastActivityNs() >= idleNs) {
                    // counted before the state changes: whoever sees DORMANT also sees the count
                    counters.increment(RegionCounter.IDLE_CLOSES);
                    closeOnPurpose(RegionState.DORMANT);
                    return flushed + 1;
                }
                return flushed;
            case BACKOFF:
                if (nowNs - retryAtNs >= 0) {
                    // Home keeps retrying; a non-home region retries only while its traffic is younger than the
                    // idle grace. Queued packets alone do not count: a packet that could never be delivered would
                    // keep an unreachable region dialing forever (SPEC §5.1: an idle non-home region does not).
                    if (home || nowNs - slot.lastSendNs < idleNs) {
                        counters.increment(RegionCounter.RECONNECTS);
                        dial(nowNs);
                    } else {
                        giveUpUntilNewTraffic();
                    }
                    return 1;
                }
                return 0;
            default:
                return 0;
        }
    }

    /** Drops what waited for this unreachable region and goes dormant; the next packet or frame wakes it again. */
    private void giveUpUntilNewTraffic() {
        slot.wake.set(false);
        state = RegionState.DORMANT;
        counters.add(RegionCounter.DROPPED_UNREACHABLE, clearQueued());
    }

    private boolean wantsConnection() {
        final boolean woken = slot.wake.getAndSet(false);
        return woken || !slot.pending.isEmpty() || !slot.disco.isEmpty() || slot.heldPending != null;
    }

    private long lastActivityNs() {
        final long received = link.lastReceiveNs();
        return Math.max(Math.max(slot.lastSendNs, received), connectedSinceNs);
    }

    private void dial(final long nowNs) {
        final List<DerpNode> nodes = region.nodes();
        final DerpNode node = nodes.get(nodeIndex % nodes.size());
        final String ideal = nodeIndex % nodes.size() == 0 ? null : nodes.get(0).name();
        final long dialGeneration = ++generation;
        nodeName = node.name();
        state = RegionState.CONNECTING;
        conductor.routes().regionDialled(regionId()); // before any frame of the new connection can be offered
        events = conductor.linkListener(this, dialGeneration);
        try {
            link = conductor.dialer().dial(region, node, ideal, events);
        } catch (final RuntimeException e) {
            onClosed(dialGeneration, e, nowNs);
        }
    }

    /**
     * Moves what was queued while connecting into the connection's queues, disco first. A packet the connection
     * back-pressures is held and goes first next time (the tick of a connected region calls this again), so the
     * order holds and nothing is dropped; a slot goes back in {@code finally} whatever the link does.
     */
    private int flushQueued() {
        final DerpLink live = link;
        int n = 0;
        OutboundQueue.Slot p;
        while ((p = slot.disco.poll()) != null) {
            try {
                countDisco(live.sendDisco(p.destination(), p.bytes(), 0, p.length()));
            } finally {
                slot.disco.release(p);
            }
            n++;
        }
        while ((p = nextPending()) != null) {
            boolean hold = false;
            try {
                final SendResult result = live.send(p.destination(), p.bytes(), 0, p.length());
                hold = result == SendResult.BACK_PRESSURED;
                if (!hold) {
                    counters.increment(result == SendResult.ACCEPTED
                        ? RegionCounter.SENT : RegionCounter.DROPPED_BY_CONNECTION);
                    n++;
                }
            } finally {
                if (hold) {
                    slot.heldPending = p;
                } else {
                    slot.pending.release(p);
                }
            }
            if (hold) {
                return n; // the connection is full: the rest waits for the next tick, in order
            }
        }
        slot.wake.set(false);
        return n;
    }

    private OutboundQueue.Slot nextPending() {
        final OutboundQueue.Slot held = slot.heldPending;
        if (held != null) {
            slot.heldPending = null;
            return held;
        }
        return slot.pending.poll();
    }

    private void countDisco(final SendResult result) {
        counters.increment(result == SendResult.ACCEPTED ? RegionCounter.DISCO_SENT
            : result == SendResult.BACK_PRESSURED ? RegionCounter.DISCO_DROPPED_QUEUE_FULL
            : RegionCounter.DROPPED_BY_CONNECTION);
    }

    /** Drops everything queued for this region, the held packet included; returns how many. */
    private int clearQueued() {
        int n = slot.pending.clear() + slot.disco.clear();
        final OutboundQueue.Slot held = slot.heldPending;
        if (held != null) {
            slot.heldPending = null;
            slot.pending.release(held);
            n++;
        }
        return n;
    }

    void onConnected(final long eventGeneration, final long nowNs) {
        if (eventGeneration != generation || state != RegionState.CONNECTING) {
            return;
        }
        connectedSinceNs = nowNs;
        lastError = null;
        health = ""; // GO runDerpReader: ServerInfo => connected, health cleared (SPEC §5.11)
        // ServerInfo alone does not reset the backoff (issue 16: a relay that fails us right after it made every
        // engine redial at the first step, ~15 ms apart): the connection proves itself first (proveStable).
        proven = false;
        stampReceivedFrame(nowNs); // ServerInfo is a received frame
        link.notePreferred(home);
        // What waited for the connection goes first; only then do senders see the link and send directly, and a
        // second flush takes what they queued meanwhile. Publishing first would let a sender on another thread
        // overtake the waking packet (B46). The link is published even if the flush fails: a region left CONNECTED
        // with no link would queue every later send forever (issue 13, bug 1). The state follows the link, so whoever
        // sees CONNECTED in status() also sees sends go to the connection.
        try {
            flushQueued();
        } finally {
            slot.link = link;
            state = RegionState.CONNECTED;
        }
        flushQueued();
        counters.increment(RegionCounter.CONNECTS);
        conductor.listener().onConnected(regionId(), nodeName);
    }

    void onClosed(final long eventGeneration, final Throwable cause, final long nowNs) {
        if (eventGeneration != generation || (state != RegionState.CONNECTING && state != RegionState.CONNECTED)) {
            return;
        }
        if (state == RegionState.CONNECTED) {
            proveStable(nowNs); // a packet received, or a life long enough, just before the end still counts
        }
        slot.link = null;
        link = null;
        connectedSinceNs = 0;
        rebindPingPending = false;
        // Routes learned through a dead connection are no longer true (Go: removeDerpPeerRoute on Recv error).
        conductor.routes().forgetRegion(regionId());
        lastError = cause == null ? "closed by server" : describe(cause);
        counters.increment(RegionCounter.CONNECT_FAILURES);
        nodeIndex++;
        retryAtNs = nowNs + backoff.onFailure();
        state = RegionState.BACKOFF;
        conductor.listener().onDisconnected(regionId(), cause);
    }

    /**
     * Resets the backoff once per connection, when it has lived {@link RegionSettings#minStableConnectionNs()} or
     * received a packet. Go resets on any frame Recv'd after the handshake (SPEC §5.11); a relay that sends one
     * control frame and then something fatal would still keep Go at the first step, so derpring asks for more.
     */
    private void proveStable(final long nowNs) {
        if (!proven && (nowNs - connectedSinceNs >= conductor.settings().minStableConnectionNs()
            || link.hasReceivedPacket())) {
            proven = true;
            backoff.onSuccess();
        }
    }

    /**
     * Records a received frame at {@code frameNs} as the region's health stamp, at most once per
     * {@link RegionStatus#FRAME_RECEIVE_RECORD_RATE} (Go {@code frameReceiveRecordRate}: the stamp is for "is the
     * region alive", so finer writes would only cost).
     */
    private void stampReceivedFrame(final long frameNs) {
        if (frameStampNs == 0 || frameNs - frameStampNs >= FRAME_RECEIVE_RECORD_RATE_NS) {
            frameStampNs = frameNs;
            counters.increment(RegionCounter.FRAME_STAMPS);
        }
    }

    /**
     * SPEC §5.11 rebind on this region: a connection (or dial) whose local address is unknown or no longer valid
     * closes, and home reconnects on this duty cycle (a non-home one when traffic wakes it); a connected one with a
     * valid address is pinged and must answer within {@code pingTimeoutNs}. A dial with a valid address is left to
     * its connect timeout.
     */
    void rebind(final Set<InetAddress> valid, final long nowNs, final long pingTimeoutNs, final long pingData) {
        if (state != RegionState.CONNECTED && state != RegionState.CONNECTING) {
            return;
        }
        final InetAddress local = link == null ? null : link.localAddress();
        if (local == null || !valid.contains(local)) { // Go: no LocalAddr, or not among the valid ones => close
            counters.increment(RegionCounter.REBIND_CLOSES);
            closeForRebind(nowNs);
            return;
        }
        if (state != RegionState.CONNECTED) {
            return; // dialing on a valid address: its connect timeout bounds it
        }
        rebindPingPending = true;
        rebindPingData = pingData;
        rebindPingDeadlineNs = nowNs + pingTimeoutNs;
        events.expectPong(pingData);
        link.sendPing(pingData);
    }

    void onRebindPong(final long eventGeneration, final long data) {
        if (eventGeneration == generation && rebindPingPending && data == rebindPingData) {
            rebindPingPending = false;
            counters.increment(RegionCounter.REBIND_PINGS_ANSWERED);
        }
    }

    /**
     * Closes for rebind; home dials again at once, not after a backoff (Go {@code closeOrReconnectDERPLocked}); a
     * non-home region waits dormant for traffic.
     */
    private void closeForRebind(final long nowNs) {
        closeOnPurpose(RegionState.DORMANT);
        if (home) {
            dial(nowNs);
        }
    }

    void onHealth(final long eventGeneration, final String problem) {
        if (eventGeneration == generation) {
            health = problem;
            conductor.listener().onHealth(regionId(), problem);
        }
    }

    void onPeerGone(final long eventGeneration, final NodeKey peer, final int reason) {
        if (eventGeneration == generation) {
            conductor.routes().forget(peer, regionId());
            conductor.listener().onPeerGone(regionId(), peer, reason);
        }
    }

    void onPeerPresent(final long eventGeneration, final NodeKey peer) {
        if (eventGeneration == generation) {
            conductor.listener().onPeerPresent(regionId(), peer);
        }
    }

    void setHome(final boolean isHome) {
        if (home == isHome) {
            return;
        }
        home = isHome;
        if (state == RegionState.CONNECTED) {
            link.notePreferred(isHome);
        }
    }

    /** The DERP map now defines this region as {@code next}; a changed definition reconnects to the new nodes. */
    boolean redefine(final DerpRegion next) {
        if (next.equals(region)) {
            return false;
        }
        final boolean wasActive = state == RegionState.CONNECTED || state == RegionState.CONNECTING;
        closeOnPurpose(RegionState.DORMANT);
        region = next;
        nodeIndex = 0;
        backoff.onSuccess();
        if (wasActive) {
            counters.increment(RegionCounter.MAP_CLOSES);
            slot.wake.set(true); // an active region reconnects to its new nodes at once
        }
        return true;
    }

    /** Removed from the map or engine closed: the connection closes and queued packets are dropped, counted. */
    void retire() {
        if (state == RegionState.CONNECTED || state == RegionState.CONNECTING) {
            counters.increment(RegionCounter.MAP_CLOSES);
        }
        closeOnPurpose(RegionState.CLOSED);
        counters.add(RegionCounter.DROPPED_REGION_GONE, clearQueued());
    }

    /**
     * Closes the link on purpose (idle, map change, removal, engine close). Its own onClosed becomes stale, so a
     * connected region reports its end here: every onConnected is matched by exactly one onDisconnected.
     */
    private void closeOnPurpose(final RegionState next) {
        generation++;
        final boolean wasConnected = state == RegionState.CONNECTED;
        final DerpLink closing = link;
        slot.link = null;
        link = null;
        connectedSinceNs = 0;
        rebindPingPending = false;
        state = next;
        if (closing != null) {
            closing.close();
        }
        if (wasConnected) {
            conductor.listener().onDisconnected(regionId(), null);
        }
    }

    RegionStatus status() {
        return new RegionStatus(regionId(), state, home, nodeName, health, lastError, connectedSinceNs,
            backoff.consecutiveFailures(), frameStampNs);
    }

    private static String describe(final Throwable cause) {
        final String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
