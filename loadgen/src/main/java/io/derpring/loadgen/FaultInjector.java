package io.derpring.loadgen;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.derpring.loadgen.fault.DataplaneStall;
import io.derpring.loadgen.fault.Fault;
import io.derpring.loadgen.fault.FaultProxy;
import io.derpring.loadgen.fault.FaultSchedule;
import io.derpring.loadgen.fault.InjectedClock;
import io.derpring.transport.internal.client.DerpClientSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak's fault thread: injects each scheduled fault through the proxies (one per region), the relays, the
 * clients' clock or the receivers' dataplanes, then waits for the clients to recover on their own.
 *
 * <p>Recovered means: every node is connected again, after a fault that kills connections (reset, half-open,
 * restart) at least as many new connections reached ServerInfo as there are nodes, and data packets arrive again.
 * The time from the fault's end to then is the recovery time. A fault not recovered within
 * {@link #RECOVERY_TIMEOUT_NS}, or before sending stops, is counted unrecovered (and fails the run).
 */
final class FaultInjector implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);
    /** Longer than the longest reconnect backoff (5 s) plus a handshake, many times over. */
    static final long RECOVERY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** Faults due in the last stretch of sending are skipped, so each one injected has room to recover. */
    static final Duration RECOVERY_ROOM = Duration.ofSeconds(5);
    /** A slow reader: 16 KiB/s, a live but slow link (issue 12, D3's reader speeds). */
    static final long SLOW_READER_BYTES_PER_SECOND = 16 * 1024;
    /** How long a slow reader or slow dataplane lasts. */
    static final long SLOW_FAULT_NS = TimeUnit.SECONDS.toNanos(3);
    /** After freezing, bytes already in the clients' sockets land before the clock jumps. */
    static final long HALF_OPEN_SETTLE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Stops the relays and starts new ones; returns their addresses, one per region in order. */
    interface RelayRestarter {
        List<InetSocketAddress> restart() throws Exception;
    }

    private final List<FaultSchedule.Entry> due;
    private final List<FaultProxy> proxies;
    private final RelayRestarter restarter;
    private final InjectedClock clock;
    private final DerpClientSettings clientSettings;
    private final DataplaneStall stall;
    private final LoadClients clients;
    private final LoadRun run;
    private final int nodes;
    private final long startNs;
    private final long endNs;
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong recoveries = new AtomicLong();
    private final AtomicLong unrecovered = new AtomicLong();
    private final AtomicLong recoveryMsMax = new AtomicLong();
    private final AtomicLong recoveryMsTotal = new AtomicLong();
    private volatile boolean stopped;
    private volatile Thread thread;

    FaultInjector(final FaultSchedule schedule, final List<FaultProxy> proxies, final RelayRestarter restarter,
                  final InjectedClock clock, final DerpClientSettings clientSettings, final DataplaneStall stall,
                  final LoadClients clients, final LoadRun run, final int nodes, final long startNs,
                  final long endNs) {
        this.due = schedule.until(Duration.ofNanos(endNs - startNs).minus(RECOVERY_ROOM));
        this.proxies = proxies;
        this.restarter = restarter;
        this.clock = clock;
        this.clientSettings = clientSettings;
        this.stall = stall;
        this.clients = clients;
        this.run = run;
        this.nodes = nodes;
        this.startNs = startNs;
        this.endNs = endNs;
        for (final Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
    }

    /** Ends the thread's waits (at the end of sending); it undoes a slow fault in progress and returns. */
    void stop() {
        stopped = true;
        final Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            for (final FaultSchedule.Entry e : due) {
                if (!parkUntil(startNs + e.at().toNanos())) {
                    return;
                }
                final long connectsBefore = clients.connects();
                inject(e.fault());
                final long faultEndNs = System.nanoTime();
                awaitRecovery(e.fault(), connectsBefore, faultEndNs);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final Exception e) {
            LOG.error("fault injection failed", e);
            unrecovered.incrementAndGet();
        } finally {
            proxies.forEach(p -> p.slowReader(0));
            stall.end();
        }
    }

    private void inject(final Fault fault) throws Exception {
        injected.get(fault).incrementAndGet();
        LOG.info("injecting fault {}", fault.cliName());
        switch (fault) {
            case RESET:
                for (final FaultProxy p : proxies) {
                    p.reset();
                }
                break;
            case HALF_OPEN:
                for (final FaultProxy p : proxies) {
                    p.halfOpen();
                }
                parkFor(HALF_OPEN_SETTLE_NS);
                clock.advance(clientSettings.keepAliveDeadlineNs() + clientSettings.deadlineCheckIntervalNs());
                break;
            case RESTART:
                final List<InetSocketAddress> fresh = restarter.restart();
                for (int i = 0; i < proxies.size(); i++) {
                    proxies.get(i).retarget(fresh.get(i));
                }
                break;
            case SLOW_READER:
                proxies.forEach(p -> p.slowReader(SLOW_READER_BYTES_PER_SECOND));
                parkFor(SLOW_FAULT_NS);
                proxies.forEach(p -> p.slowReader(0));
                break;
            case SLOW_DATAPLANE:
                stall.stallFor(SLOW_FAULT_NS);
                parkFor(SLOW_FAULT_NS);
                stall.end();
                break;
            default:
                throw new IllegalStateException("unknown fault " + fault);
        }
    }

    private static boolean killsConnections(final Fault fault) {
        return fault == Fault.RESET || fault == Fault.HALF_OPEN || fault == Fault.RESTART;
    }

    private void awaitRecovery(final Fault fault, final long connectsBefore, final long faultEndNs) {
        final long receivedAtEnd = run.received();
        final long deadlineNs = faultEndNs + RECOVERY_TIMEOUT_NS;
        while (!stopped) {
            final long nowNs = System.nanoTime();
            final boolean reconnected = !killsConnections(fault) || clients.connects() - connectsBefore >= nodes;
            if (reconnected && clients.allConnected() && run.received() > receivedAtEnd) {
                final long ms = TimeUnit.NANOSECONDS.toMillis(nowNs - faultEndNs);
                recoveries.incrementAndGet();
                recoveryMsTotal.addAndGet(ms);
                recoveryMsMax.accumulateAndGet(ms, Math::max);
                LOG.info("recovered from {} in {} ms", fault.cliName(), ms);
                return;
            }
            if (nowNs - deadlineNs > 0 || nowNs - endNs > 0) {
                break;
            }
            LockSupport.parkNanos(POLL_NS);
        }
        LOG.warn("no recovery from {}", fault.cliName());
        try {
            for (final FaultProxy p : proxies) {
                LOG.warn("connections through the fault proxy {}:\n{}", p.localAddress(), p.describeConnections());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unrecovered.incrementAndGet();
    }

    /** False when stopped first. */
    private boolean parkUntil(final long atNs) {
        long left;
        while (!stopped && (left = atNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
        return !stopped;
    }

    private void parkFor(final long ns) {
        parkUntil(System.nanoTime() + ns);
    }

    long injectedTotal() {
        long sum = 0;
        for (final AtomicLong n : injected.values()) {
            sum += n.get();
        }
        return sum;
    }

    long recoveries() {
        return recoveries.get();
    }

    long unrecovered() {
        return unrecovered.get();
    }

    /** Faults injected by name (every fault listed, zeros included). */
    Map<String, Long> injectedByFault() {
        final Map<String, Long> out = new LinkedHashMap<>();
        injected.forEach((f, n) -> out.put(f.cliName(), n.get()));
        return out;
    }

    long recoveryMsMax() {
        return recoveryMsMax.get();
    }

    long recoveryMsMean() {
        final long n = recoveries.get();
        return n == 0 ? 0 : recoveryMsTotal.get() / n;
    }

    /** The proxies' own counts, summed. */
    Map<String, Long> proxyStats() {
        final Map<String, Long> out = new LinkedHashMap<>();
        long accepted = 0;
        long refused = 0;
        long unreachable = 0;
        long midFrame = 0;
        long boundary = 0;
        long halfOpened = 0;
        long halfOpenExpired = 0;
        long lostInside = 0;
        long throttled = 0;
        for (final FaultProxy p : proxies) {
            throttled += p.throttlePauses();
            accepted += p.accepted();
            refused += p.refusedOverCap();
            unreachable += p.targetUnreachable();
            midFrame += p.resetsMidFrame();
            boundary += p.resetsAtBoundary();
            halfOpened += p.halfOpened();
            halfOpenExpired += p.halfOpenExpired();
            lostInside += p.packetFramesLostInside();
        }
        out.put("connections_accepted", accepted);
        out.put("connections_refused_over_cap", refused);
        out.put("connections_target_unreachable", unreachable);
        out.put("resets_mid_frame", midFrame);
        out.put("resets_at_frame_boundary", boundary);
        out.put("connections_half_opened", halfOpened);
        out.put("half_open_expired", halfOpenExpired);
        out.put("packet_frames_lost_inside_proxy", lostInside);
        out.put("throttle_pauses", throttled);
        return out;
    }
}
