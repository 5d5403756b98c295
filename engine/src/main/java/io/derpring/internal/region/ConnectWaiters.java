package io.derpring.internal.region;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.derpring.derpmap.DerpMap;
import io.derpring.keys.NodeKey;
import io.derpring.region.RegionConnectTimeoutException;
import io.derpring.region.RegionListener;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.Agent;

/**
 * The futures behind the engine's {@code connected()} and {@code awaitConnected(regionId, timeout)}. It learns what
 * happens to regions as the conductor's {@link RegionListener} (passing every event on to the embedder's listener),
 * and expires deadlines in its {@link #doWork} on the conductor thread, so region state has one owner.
 *
 * <p>Futures are completed through {@code completer}, never on the conductor thread: a caller's dependent stage
 * ({@code thenRun}, {@code join} in a callback) then cannot stall the regions. API threads only hand new waiters over
 * through a queue; at most {@link #MAX_PENDING_WAITERS} wait at once.
 */
public final class ConnectWaiters implements Agent, RegionListener {
    /** Most {@code awaitConnected} futures pending at once; derpring choice: a gateway waits for a few regions. */
    public static final int MAX_PENDING_WAITERS = 1024;
    /** Most regions whose last connection error is kept: one per region of the largest DERP map. */
    static final int MAX_REMEMBERED_ERRORS = DerpMap.MAX_REGIONS;

    private final RegionListener embedder;
    private final Duration homeTimeout;
    private final LongSupplier nanoClock;
    private final Executor completer;
    private final CompletableFuture<Void> homeConnected = new CompletableFuture<>();
    private final ConcurrentLinkedQueue<Waiter> registrations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    // Conductor thread only.
    private final ArrayList<Waiter> waiters = new ArrayList<>();
    private final IntHashSet connectedRegions = new IntHashSet();
    private final Int2ObjectHashMap<Throwable> lastErrors = new Int2ObjectHashMap<>();
    private int home = HomeTransition.NONE;
    private boolean homeSettled;
    private boolean homeDeadlineArmed;
    private long homeDeadlineNs;

    /**
     * @param embedder    the embedder's listener, called after this one sees each event
     * @param homeTimeout how long {@link #homeConnected()} waits, counted from the first home region selected
     * @param nanoClock   the conductor's clock
     * @param completer   where futures are completed (not the conductor thread)
     */
    public ConnectWaiters(final RegionListener embedder, final Duration homeTimeout, final LongSupplier nanoClock,
                          final Executor completer) {
        this.embedder = embedder;
        this.homeTimeout = homeTimeout;
        this.nanoClock = nanoClock;
        this.completer = completer;
    }

    // ---- any thread ----

    /** A new view of the home future: completing or cancelling it does not affect the engine's own. */
    public CompletableFuture<Void> homeConnected() {
        return homeConnected.copy();
    }

    /**
     * A future that completes once {@code regionId} is connected (at once if it is), or fails with a
     * {@link RegionConnectTimeoutException} when {@code timeout}, counted from this call, passes first. Refused with
     * a {@link RejectedExecutionException} when {@link #MAX_PENDING_WAITERS} are already waiting.
     */
    public CompletableFuture<Void> await(final int regionId, final Duration timeout) {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        if (pending.incrementAndGet() > MAX_PENDING_WAITERS) {
            pending.decrementAndGet();
            future.completeExceptionally(new RejectedExecutionException(MAX_PENDING_WAITERS
                + " awaitConnected futures are already pending (MAX_PENDING_WAITERS)"));
            return future;
        }
        registrations.add(new Waiter(regionId, timeout, nanoClock.getAsLong() + timeout.toNanos(), future));
        if (closed) {
            // Closed meanwhile: onClose may already have drained the queue, so fail this one here too.
            future.completeExceptionally(engineClosed());
        }
        return future;
    }

    // ---- conductor thread ----

    @Override
    public int doWork() {
        int work = 0;
        Waiter w;
        while ((w = registrations.poll()) != null) {
            work++;
            if (connectedRegions.contains(w.regionId)) {
                settle(w, null);
            } else {
                waiters.add(w);
            }
        }
        if (homeDeadlineArmed || !waiters.isEmpty()) {
            work += expire(nanoClock.getAsLong());
        }
        return work;
    }

    private int expire(final long nowNs) {
        int work = 0;
        if (homeDeadlineArmed && nowNs - homeDeadlineNs >= 0) {
            homeDeadlineArmed = false;
            homeSettled = true;
            final RegionConnectTimeoutException timeout = new RegionConnectTimeoutException(home, homeTimeout,
                lastErrors.get(home));
            completer.execute(() -> homeConnected.completeExceptionally(timeout));
            work++;
        }
        for (int i = waiters.size() - 1; i >= 0; i--) {
            final Waiter w = waiters.get(i);
            if (w.future.isDone()) { // the caller cancelled it: it no longer counts against the bound
                removeAt(i);
                pending.decrementAndGet();
                work++;
            } else if (nowNs - w.deadlineNs >= 0) {
                removeAt(i);
                settle(w, new RegionConnectTimeoutException(w.regionId, w.timeout, lastErrors.get(w.regionId)));
                work++;
            }
        }
        return work;
    }

    @Override
    public void onConnected(final int regionId, final String nodeName) {
        connectedRegions.add(regionId);
        lastErrors.remove(regionId);
        for (int i = waiters.size() - 1; i >= 0; i--) {
            final Waiter w = waiters.get(i);
            if (w.regionId == regionId) {
                removeAt(i);
                settle(w, null);
            }
        }
        if (regionId == home) {
            settleHome();
        }
        embedder.onConnected(regionId, nodeName);
    }

    @Override
    public void onDisconnected(final int regionId, final Throwable cause) {
        connectedRegions.remove(regionId);
        if (cause == null) {
            lastErrors.remove(regionId); // closed on purpose: an older error no longer describes the region
        } else {
            if (lastErrors.size() >= MAX_REMEMBERED_ERRORS && !lastErrors.containsKey(regionId)) {
                // Regions removed from the map while failing leave entries; the errors are only hints for a
                // timeout's message, so forgetting them all keeps the table bounded at no real cost.
                lastErrors.clear();
            }
            lastErrors.put(regionId, cause);
        }
        embedder.onDisconnected(regionId, cause);
    }

    @Override
    public void onHomeChanged(final int oldHome, final int newHome) {
        home = newHome;
        if (newHome != HomeTransition.NONE && !homeSettled) {
            if (!homeDeadlineArmed) {
                homeDeadlineArmed = true; // counted from the first home region known, not from start()
                homeDeadlineNs = nanoClock.getAsLong() + homeTimeout.toNanos();
            }
            if (connectedRegions.contains(newHome)) {
                settleHome();
            }
        }
        embedder.onHomeChanged(oldHome, newHome);
    }

    @Override
    public void onHealth(final int regionId, final String problem) {
        embedder.onHealth(regionId, problem);
    }

    @Override
    public void onPeerGone(final int regionId, final NodeKey peer, final int reason) {
        embedder.onPeerGone(regionId, peer, reason);
    }

    @Override
    public void onPeerPresent(final int regionId, final NodeKey peer) {
        embedder.onPeerPresent(regionId, peer);
    }

    /**
     * Engine closed: every pending future, and the home future if still open, fails with an
     * {@link IllegalStateException}. Not a {@link java.util.concurrent.CancellationException}: the home future's views
     * ({@link CompletableFuture#copy()}) would report that wrapped, unlike the waiters, and callers see one shape.
     */
    @Override
    public void onClose() {
        closed = true;
        final IllegalStateException cancelled = engineClosed();
        Waiter w;
        while ((w = registrations.poll()) != null) {
            waiters.add(w);
        }
        for (int i = waiters.size() - 1; i >= 0; i--) {
            settle(waiters.get(i), cancelled);
        }
        waiters.clear();
        if (!homeSettled) {
            homeSettled = true;
            homeDeadlineArmed = false;
            completer.execute(() -> homeConnected.completeExceptionally(cancelled));
        }
    }

    private static IllegalStateException engineClosed() {
        return new IllegalStateException("engine closed before the region connected");
    }

    @Override
    public String roleName() {
        return "derpring-connect-waiters";
    }

    private void settleHome() {
        if (!homeSettled) {
            homeSettled = true;
            homeDeadlineArmed = false;
            completer.execute(() -> homeConnected.complete(null));
        }
    }

    private void settle(final Waiter w, final Throwable failure) {
        pending.decrementAndGet();
        if (failure == null) {
            completer.execute(() -> w.future.complete(null));
        } else {
            completer.execute(() -> w.future.completeExceptionally(failure));
        }
    }

    /** Swap-remove: order among waiters does not matter, and it moves no elements. */
    private void removeAt(final int i) {
        final int last = waiters.size() - 1;
        waiters.set(i, waiters.get(last));
        waiters.remove(last);
    }

    private static final class Waiter {
        final int regionId;
        final Duration timeout;
        final long deadlineNs;
        final CompletableFuture<Void> future;

        Waiter(final int regionId, final Duration timeout, final long deadlineNs, final CompletableFuture<Void> future) {
            this.regionId = regionId;
            this.timeout = timeout;
            this.deadlineNs = deadlineNs;
            this.future = future;
        }
    }
}
