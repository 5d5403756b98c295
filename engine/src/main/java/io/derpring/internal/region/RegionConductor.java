package io.derpring.internal.region;

import io.derpring.region.RegionListener;
import io.derpring.region.RegionStatus;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpRegion;
import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.route.ObservedRoutes;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every region's connection task. Runs as an Agrona {@link Agent} on one thread ({@link #doWork}); API calls
 * and link events from other threads become commands on a queue, drained at the start of each duty cycle. Tests
 * drive {@link #doWork} directly with a fake clock and dialer.
 *
 * <p>The queue is bounded by what a relay can make us queue: each dial's link posts at most one connected, one
 * closed and one health command at a time (repeated ServerInfo frames are not re-posted; Health frames coalesce,
 * the latest text wins, {@link RegionCounter#HEALTH_COALESCED}). The rest count against
 * {@link #MAX_QUEUED_COMMANDS}: beyond it a PeerGone/PeerPresent event is dropped and counted
 * ({@link RegionCounter#EVENTS_DROPPED_QUEUE_FULL}; never an exception on an I/O thread), and an API call is refused
 * with a {@link RejectedExecutionException} to its caller ({@link RegionCounter#CALLS_REJECTED_QUEUE_FULL}).
 *
 * <pre>
 *  doWork: commands (map, home, link events) -> every runner: wake / flush / idle-close / retry -> work count
 * </pre>
 */
public final class RegionConductor implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(RegionConductor.class);
    /**
     * derpring choice: commands waiting for the conductor beyond which PeerGone/PeerPresent events are dropped and
     * API calls refused. A duty cycle drains them all; thousands pile up only if a relay floods control frames or
     * the conductor stalls.
     */
    public static final int MAX_QUEUED_COMMANDS = 4096;
    /** Go {@code maybeCloseDERPsOnRebind}: a kept connection must answer rebind's Ping within this. */
    public static final Duration REBIND_PING_TIMEOUT = Duration.ofSeconds(3);

    private final RegionSettings settings;
    private final DerpDialer dialer;
    private final RegionListener listener;
    private final ObservedRoutes routes;
    private final LongSupplier nanoClock;
    private final DoubleSupplier jitter;
    private final Counters<RegionCounter> counters;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Commands in {@link #commands}: counted on add, uncounted on poll (the queue's own size() is O(n)). */
    private final AtomicInteger queued = new AtomicInteger();
    private final List<RegionRunner> runners = new ArrayList<>();
    private final Int2ObjectHashMap<RegionRunner> runnersById = new Int2ObjectHashMap<>();

    private volatile RegionTable table = RegionTable.EMPTY;
    private volatile int home = HomeTransition.NONE;
    private boolean closed;
    /** The last rebind Ping's data; each region's ping gets its own value. Conductor thread only. */
    private long rebindPingData;

    public RegionConductor(final RegionSettings settings, final DerpDialer dialer, final RegionListener listener,
                           final ObservedRoutes routes, final LongSupplier nanoClock, final DoubleSupplier jitter,
                           final Counters<RegionCounter> counters) {
        this.settings = settings;
        this.dialer = dialer;
        this.listener = listener;
        this.routes = routes;
        this.nanoClock = nanoClock;
        this.jitter = jitter;
        this.counters = counters;
    }

    // ---- API: any thread ----

    /** Applies a new DERP map: new regions get a task, changed ones reconnect, removed ones close (SPEC §5.2). */
    public void updateDerpMap(final DerpMap map) {
        call(() -> applyDerpMap(map));
    }

    /** Selects the home region; {@link HomeTransition#NONE} keeps the current one (SPEC §5.3, B49, B50). */
    public void selectHome(final int regionId) {
        call(() -> applyHome(regionId));
    }

    /**
     * The host's local addresses changed (Go {@code maybeCloseDERPsOnRebind}, SPEC §5.11): a connection whose local
     * address is not in {@code validLocalAddresses} (or is unknown) is closed, and the home region reconnects at once,
     * not after a backoff; every other connected region is sent a Ping and closed if no Pong comes within
     * {@link #REBIND_PING_TIMEOUT}. A region still dialing with a valid address is left to its connect timeout.
     *
     * @param validLocalAddresses an immutable set, owned by the conductor from here
     */
    public void rebind(final Set<InetAddress> validLocalAddresses) {
        call(() -> applyRebind(validLocalAddresses));
    }

    /** Commands waiting for the next duty cycle (a snapshot). */
    public int queuedCommands() {
        return queued.get();
    }

    /** An API call: refused to its caller, counted, when the queue is full. */
    private void call(final Runnable command) {
        if (queued.get() >= MAX_QUEUED_COMMANDS) {
            counters.increment(RegionCounter.CALLS_REJECTED_QUEUE_FULL);
            throw new RejectedExecutionException("region conductor has " + MAX_QUEUED_COMMANDS
                + " commands waiting; try again after it has run");
        }
        enqueue(command);
    }

    /** A droppable link event (PeerGone, PeerPresent): dropped and counted when the queue is full. */
    private void event(final Runnable command) {
        if (queued.get() >= MAX_QUEUED_COMMANDS) {
            counters.increment(RegionCounter.EVENTS_DROPPED_QUEUE_FULL);
            return;
        }
        enqueue(command);
    }

    /** Always admitted: only for commands bounded per link (connected, closed, health). */
    private void enqueue(final Runnable command) {
        queued.incrementAndGet();
        commands.add(command);
    }

    /** Our home region as last selected (for the outbound choice); lock-free. */
    public int home() {
        return home;
    }

    RegionTable table() {
        return table;
    }

    /** Status of every region, in region-id order of the map. */
    public List<RegionStatus> status() {
        final List<RegionStatus> out = new ArrayList<>();
        final List<RegionRunner> copy;
        synchronized (runners) {
            copy = new ArrayList<>(runners);
        }
        for (final RegionRunner r : copy) {
            out.add(r.status());
        }
        return out;
    }

    public Counters<RegionCounter> counters() {
        return counters;
    }

    // ---- conductor thread ----

    @Override
    public int doWork() {
        int work = 0;
        Runnable command;
        while ((command = commands.poll()) != null) {
            queued.decrementAndGet();
            command.run();
            work++;
        }
        if (closed) {
            return work;
        }
        final long nowNs = nanoClock.getAsLong();
        for (int i = 0; i < runners.size(); i++) {
            work += runners.get(i).tick(nowNs, settings.idleTimeoutNs());
        }
        // After the ticks: a reader who sees it move on knows every region was evaluated at nowNs or later. Owned:
        // this thread is its only writer, so a release store, not an atomic add, on every (idle) duty cycle.
        counters.incrementOwned(RegionCounter.DUTY_CYCLES);
        return work;
    }

    @Override
    public String roleName() {
        return "derpring-regions";
    }

    @Override
    public void onClose() {
        closed = true;
        table = RegionTable.EMPTY; // first, as for removed regions (see applyDerpMap)
        for (final RegionRunner r : runners) {
            r.retire();
        }
    }

    private void applyDerpMap(final DerpMap map) {
        final Int2ObjectHashMap<RegionSlot> slots = new Int2ObjectHashMap<>();
        final Int2ObjectHashMap<RegionRunner> next = new Int2ObjectHashMap<>();
        final List<RegionRunner> ordered = new ArrayList<>();
        for (final DerpRegion region : map.regions()) {
            final int id = region.regionId();
            RegionRunner runner = runnersById.get(id);
            if (runner == null) {
                runner = new RegionRunner(this, region,
                    new RegionSlot(id, settings),
                    new ReconnectBackoff(settings.backoff(), jitter), counters);
            } else if (runner.redefine(region)) {
                LOG.info("region {} changed in the DERP map; reconnecting to its new nodes", id);
            }
            // Runners start non-home; a map update re-flags the home region's runner (RS multiderp).
            runner.setHome(id == home);
            next.put(id, runner);
            slots.put(id, runner.slot);
            ordered.add(runner);
        }
        // Senders stop seeing removed regions before their queues are cleared: a sender that still offers into a
        // removed region's queue then sees the new table and takes the packet back (OutboundRouter), so nothing is
        // left behind uncounted.
        final List<RegionRunner> removed = new ArrayList<>();
        for (final RegionRunner old : runners) {
            if (!next.containsKey(old.regionId())) {
                removed.add(old);
            }
        }
        table = new RegionTable(slots);
        for (final RegionRunner old : removed) {
            LOG.info("region {} removed from the DERP map; closing it", old.regionId());
            old.retire();
            if (old.regionId() == home) {
                final int previous = home;
                home = HomeTransition.NONE; // Go clears myDerp when its region leaves the map
                listener.onHomeChanged(previous, HomeTransition.NONE);
            }
        }
        runnersById.clear();
        runnersById.putAll(next);
        synchronized (runners) {
            runners.clear();
            runners.addAll(ordered);
        }
    }

    private void applyRebind(final Set<InetAddress> valid) {
        counters.increment(RegionCounter.REBINDS);
        final long nowNs = nanoClock.getAsLong();
        for (int i = 0; i < runners.size(); i++) {
            runners.get(i).rebind(valid, nowNs, REBIND_PING_TIMEOUT.toNanos(), ++rebindPingData);
        }
    }

    private void applyHome(final int selected) {
        final HomeTransition t = HomeTransition.of(home, selected);
        if (!t.changed()) {
            return;
        }
        final RegionRunner demoted = runnersById.get(t.demote());
        if (demoted != null) {
            demoted.setHome(false); // NotePreferred(0) if connected; from now on it may idle out
        }
        home = t.promote();
        final RegionRunner promoted = runnersById.get(t.promote());
        if (promoted != null) {
            promoted.setHome(true); // NotePreferred(1) if connected; a dormant one dials on this duty cycle
        }
        LOG.info("home region {} -> {}", t.demote(), t.promote());
        listener.onHomeChanged(t.demote(), t.promote());
    }

    RegionSettings settings() {
        return settings;
    }

    DerpDialer dialer() {
        return dialer;
    }

    RegionListener listener() {
        return listener;
    }

    ObservedRoutes routes() {
        return routes;
    }

    /** Events of one dial attempt, turned into commands so runners stay single-threaded. */
    DialEvents linkListener(final RegionRunner runner, final long generation) {
        return new DialEvents(runner, generation);
    }

    /**
     * One dial's events. What a relay can repeat at will is bounded here, on the I/O thread, before it reaches the
     * queue: ServerInfo is posted once, Health coalesces into one pending command (the latest text wins), and only
     * the one Pong rebind waits for is posted.
     */
    final class DialEvents implements LinkListener {
        private final RegionRunner runner;
        private final long generation;
        private final AtomicBoolean connectedPosted = new AtomicBoolean();
        /** The latest Health text not yet taken by the conductor; non-null while a health command is queued. */
        private final AtomicReference<String> pendingHealth = new AtomicReference<>();
        private final Runnable applyHealth = this::applyHealth;
        /** Set by the conductor before it sends rebind's Ping; cleared by the matching Pong (posted once). */
        private final AtomicBoolean awaitingPong = new AtomicBoolean();
        private volatile long awaitedPongData;

        DialEvents(final RegionRunner runner, final long generation) {
            this.runner = runner;
            this.generation = generation;
        }

        @Override
        public void onConnected() {
            if (connectedPosted.compareAndSet(false, true)) {
                enqueue(() -> runner.onConnected(generation, nanoClock.getAsLong()));
            }
        }

        @Override
        public void onClosed(final Throwable cause) {
            enqueue(() -> runner.onClosed(generation, cause, nanoClock.getAsLong()));
        }

        @Override
        public void onHealth(final String problem) {
            if (pendingHealth.getAndSet(problem) != null) {
                counters.increment(RegionCounter.HEALTH_COALESCED); // the queued command will apply this text
            } else {
                enqueue(applyHealth);
            }
        }

        private void applyHealth() {
            runner.onHealth(generation, pendingHealth.getAndSet(null));
        }

        /** Conductor: the next Pong carrying {@code data} answers rebind's Ping. */
        void expectPong(final long data) {
            awaitedPongData = data;
            awaitingPong.set(true);
        }

        @Override
        public void onPong(final long data) {
            // Unsolicited or repeated Pongs never reach the queue: a relay cannot flood it with them.
            if (data == awaitedPongData && awaitingPong.compareAndSet(true, false)) {
                enqueue(() -> runner.onRebindPong(generation, data));
            }
        }

        @Override
        public void onPeerGone(final NodeKey peer, final int reason) {
            event(() -> runner.onPeerGone(generation, peer, reason));
        }

        @Override
        public void onPeerPresent(final NodeKey peer) {
            event(() -> runner.onPeerPresent(generation, peer));
        }
    }
}
