package io.derpring.loadgen;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --region-churn}: the thread that applies one {@link RegionChurnSchedule} event every period of the measured
 * phase while traffic flows, and records each one with what was lost around it: the client's drops by counter, the
 * relays' drops by reason and the connections lost, from the event until the next one (the last one: until the end
 * of the drain, see {@link #finish()}). Those drops are what the run's balance explains its loss with; the per-event
 * split shows which event cost what. Packets lost in transit are not split per event: they are a gap between two
 * ends' counters that only closes once nothing is moving (after the drain), so a mid-run reading would count
 * packets still in flight; the run's {@code lost_in_transit} covers them all.
 */
final class RegionChurn implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RegionChurn.class);
    /**
     * How long a removed region stays out of the DERP map (at most half the period): long enough for every engine's
     * conductor to close it (a duty cycle is milliseconds), short enough to leave the period for recovery.
     */
    static final long REMOVED_FOR_NS = TimeUnit.MILLISECONDS.toNanos(300);
    /** Most events recorded; a day-long run at the shortest period would otherwise grow the report without bound. */
    static final int MAX_EVENTS = 1000;

    /** Stops a region's relay and starts it again on the same port with the same key (the churn thread only). */
    @FunctionalInterface
    interface RelayRestarter {
        void restart(int regionId) throws InterruptedException;
    }

    /** What the churn changes in every engine: their DERP map, homes and netmaps ({@link EngineClients}). */
    interface Regions {
        /** The DERP map without {@code regionId}; nodes homed there lose their home. */
        void removeRegion(int regionId);

        /** The full DERP map again; nodes whose home was removed take it back. */
        void restoreRegions();

        /** Region {@code regionId}'s node list changes, so its connections re-dial. */
        void changeNodes(int regionId);

        /** Node {@code node} ({@code 2p} pair p's sender, {@code 2p + 1} its receiver) moves home. */
        void moveHome(int node, int regionId);

        int homeOf(int node);
    }

    private final RegionChurnSchedule schedule;
    private final Regions clients;
    private final RelayRestarter restarter;
    private final LoadRun run;
    private final RelayDrops relayDrops;
    private final PrintStream progress;
    private final int regions;
    private final long periodNs;
    private final long startNs;
    private final long firstNs;
    private final long endNs;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final Map<String, Long> countsByKind = new LinkedHashMap<>();
    private Snapshot opened;
    private volatile boolean stopped;

    /**
     * @param progress where each event is printed as it happens; null = not printed
     * @param startNs  when sending began (event times count from there, as the progress lines do)
     */
    RegionChurn(final RegionChurnSchedule schedule, final Regions clients, final RelayRestarter restarter,
                final LoadRun run, final RelayDrops relayDrops, final PrintStream progress, final int regions,
                final long periodNs, final long startNs, final long measureStartNs, final long endNs) {
        this.schedule = schedule;
        this.clients = clients;
        this.restarter = restarter;
        this.run = run;
        this.relayDrops = relayDrops;
        this.progress = progress;
        this.regions = regions;
        this.periodNs = periodNs;
        this.startNs = startNs;
        this.firstNs = measureStartNs + periodNs;
        this.endNs = endNs;
        for (final RegionChurnSchedule.Kind k : RegionChurnSchedule.Kind.values()) {
            countsByKind.put(k.label(), 0L);
        }
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        for (long dueNs = firstNs; dueNs - endNs < 0 && events.size() < MAX_EVENTS; dueNs += periodNs) {
            if (!parkUntil(dueNs)) {
                return;
            }
            try {
                apply(schedule.next());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (final RuntimeException e) {
                LOG.warn("region churn event failed: {}", e.toString());
                return;
            }
        }
    }

    private boolean parkUntil(final long deadlineNs) {
        long waitNs;
        while ((waitNs = deadlineNs - System.nanoTime()) > 0) {
            if (stopped || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(waitNs, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        return !stopped;
    }

    private void apply(final RegionChurnSchedule.Event event) throws InterruptedException {
        final Snapshot now = Snapshot.take(run, relayDrops);
        closeOpenEvent(now);
        final long atNs = System.nanoTime();
        final Map<String, Object> e = new LinkedHashMap<>();
        e.put("t_s", Math.round((atNs - startNs) / 1e6) / 1000.0);
        e.put("kind", event.kind().label());
        switch (event.kind()) {
            case RELAY_RESTART -> {
                e.put("region", event.region());
                restarter.restart(event.region());
            }
            case REGION_REMOVE_READD -> {
                e.put("region", event.region());
                clients.removeRegion(event.region());
                LockSupport.parkNanos(Math.min(REMOVED_FOR_NS, periodNs / 2));
                clients.restoreRegions();
            }
            case HOME_MOVE -> {
                final int from = clients.homeOf(event.node());
                final int to = from % regions + 1;
                e.put("node", (event.node() % 2 == 0 ? "sender-" : "receiver-") + event.node() / 2);
                e.put("from_region", from);
                e.put("region", to);
                clients.moveHome(event.node(), to);
            }
            case NODE_LIST_CHANGE -> {
                e.put("region", event.region());
                clients.changeNodes(event.region());
            }
        }
        e.put("applied_ms", Math.round((System.nanoTime() - atNs) / 1e4) / 100.0);
        synchronized (events) {
            events.add(e);
            countsByKind.merge(event.kind().label(), 1L, Long::sum);
        }
        opened = now;
        if (progress != null) {
            progress.println(String.format(Locale.ROOT, "[%5.1fs churn  ] %s", (atNs - startNs) / 1e9, describe(e)));
        }
    }

    /** Fills the open event's loss deltas: from its snapshot to {@code now}. */
    private void closeOpenEvent(final Snapshot now) {
        if (opened == null) {
            return;
        }
        synchronized (events) {
            now.deltaInto(opened, events.get(events.size() - 1));
        }
    }

    /** After the churn thread ended and the drain: the last event's losses run to the end of the run. */
    void finish() {
        closeOpenEvent(Snapshot.take(run, relayDrops));
        opened = null;
    }

    /** The events applied, each with its losses (a copy). */
    List<Map<String, Object>> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    Map<String, Long> countsByKind() {
        synchronized (events) {
            return new LinkedHashMap<>(countsByKind);
        }
    }

    static String describe(final Map<String, Object> e) {
        final StringBuilder b = new StringBuilder().append(e.get("kind"));
        if (e.containsKey("node")) {
            b.append(' ').append(e.get("node")).append(" region ").append(e.get("from_region")).append(" -> ")
                .append(e.get("region"));
        } else {
            b.append(" region ").append(e.get("region"));
        }
        return b.append(" (").append(e.get("applied_ms")).append(" ms)").toString();
    }

    /** The loss counters at one moment. */
    private record Snapshot(Map<String, Long> client, Map<String, Long> relay, long connectionsLost) {
        static Snapshot take(final LoadRun run, final RelayDrops relayDrops) {
            return new Snapshot(new HashMap<>(run.clientDropsDetail()), relayDrops.byReason(), run.connectionsLost());
        }

        void deltaInto(final Snapshot before, final Map<String, Object> event) {
            event.put("client_drops", ClientDropTally.delta(before.client, client));
            event.put("relay_drops", ClientDropTally.delta(before.relay, relay));
            event.put("connections_lost", connectionsLost - before.connectionsLost);
        }
    }
}
