package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.region.RegionConnectTimeoutException;
import io.derpring.region.RegionListener;
import org.junit.jupiter.api.Test;

/**
 * The connect futures, driven as the conductor drives them: region events on "its" thread, {@code doWork} for
 * deadlines, a fake clock, and an executor the test runs by hand so it can see what completes where.
 */
class ConnectWaitersTest {
    private static final Duration HOME_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final int HOME = 900;
    private static final int OTHER = 901;

    private long nowNs = 1_000_000_000L;
    private final ArrayDeque<Runnable> completions = new ArrayDeque<>();
    private final Executor completer = completions::add;
    private final List<String> embedderEvents = new ArrayList<>();
    private final ConnectWaiters waiters = new ConnectWaiters(recordingListener(), HOME_TIMEOUT, () -> nowNs,
        completer);

    private RegionListener recordingListener() {
        return new RegionListener() {
            @Override
            public void onConnected(final int regionId, final String nodeName) {
                embedderEvents.add("connected " + regionId + " " + nodeName);
            }

            @Override
            public void onDisconnected(final int regionId, final Throwable cause) {
                embedderEvents.add("disconnected " + regionId);
            }

            @Override
            public void onHealth(final int regionId, final String problem) {
                embedderEvents.add("health " + regionId);
            }

            @Override
            public void onPeerGone(final int regionId, final NodeKey peer, final int reason) {
                embedderEvents.add("gone " + regionId);
            }

            @Override
            public void onPeerPresent(final int regionId, final NodeKey peer) {
                embedderEvents.add("present " + regionId);
            }

            @Override
            public void onHomeChanged(final int oldHome, final int newHome) {
                embedderEvents.add("home " + oldHome + "->" + newHome);
            }
        };
    }

    /** One conductor duty cycle, then what it handed to the completer. */
    private void work() {
        waiters.doWork();
        runCompletions();
    }

    private void runCompletions() {
        Runnable r;
        while ((r = completions.poll()) != null) {
            r.run();
        }
    }

    private void advance(final Duration d) {
        nowNs += d.toNanos();
    }

    private static Throwable failureOf(final CompletableFuture<Void> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (final java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    // ---- connected(): the home region ----

    @Test
    void homeFutureCompletesOnTheHomeRegionsFirstConnect() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onHomeChanged(0, HOME);
        waiters.onConnected(HOME, "900a");
        runCompletions();

        assertThat(home).isCompleted();
    }

    @Test
    void homeFutureIgnoresAnotherRegionsConnect() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onHomeChanged(0, HOME);
        waiters.onConnected(OTHER, "901a");
        work();

        assertThat(home).isNotDone();
    }

    @Test
    void homeFutureCompletesWhenAConnectedRegionBecomesHome() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onConnected(OTHER, "901a");
        waiters.onHomeChanged(0, OTHER);
        runCompletions();

        assertThat(home).isCompleted();
    }

    @Test
    void homeFutureFailsWithTheLastConnectionErrorAfterTheTimeout() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onHomeChanged(0, HOME);
        waiters.onDisconnected(HOME, new IOException("first"));
        final ConnectException last = new ConnectException("Connection refused");
        waiters.onDisconnected(HOME, last);
        advance(HOME_TIMEOUT);
        work();

        final Throwable failure = failureOf(home);
        assertThat(failure).isInstanceOf(RegionConnectTimeoutException.class).hasCause(last)
            .hasMessageContaining("region 900 not connected within PT10S")
            .hasMessageContaining("ConnectException: Connection refused");
        assertThat(((RegionConnectTimeoutException) failure).regionId()).isEqualTo(HOME);
    }

    @Test
    void homeFutureIsStillOpenJustBeforeTheTimeout() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onHomeChanged(0, HOME);
        advance(HOME_TIMEOUT.minusNanos(1));
        work();

        assertThat(home).isNotDone();
    }

    @Test
    void homeTimeoutStartsCountingOnlyOnceAHomeIsKnown() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        advance(HOME_TIMEOUT.multipliedBy(3)); // a map but no home yet: not the engine's fault
        work();
        assertThat(home).isNotDone();

        waiters.onHomeChanged(0, HOME);
        advance(HOME_TIMEOUT);
        work();

        assertThat(failureOf(home)).isInstanceOf(RegionConnectTimeoutException.class).hasNoCause();
    }

    @Test
    void aConnectAfterTheHomeFutureFailedLeavesItFailed() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onHomeChanged(0, HOME);
        advance(HOME_TIMEOUT);
        work();
        waiters.onConnected(HOME, "900a");
        runCompletions();

        assertThat(waiters.homeConnected()).isCompletedExceptionally();
        assertThat(home).isCompletedExceptionally();
    }

    @Test
    void cancellingOneViewOfTheHomeFutureLeavesTheEnginesOpen() {
        waiters.homeConnected().cancel(false);
        waiters.onHomeChanged(0, HOME);
        waiters.onConnected(HOME, "900a");
        runCompletions();

        assertThat(waiters.homeConnected()).isCompleted();
    }

    // ---- awaitConnected(region, timeout) ----

    @Test
    void awaitCompletesAtOnceForAConnectedRegion() {
        waiters.onConnected(OTHER, "901a");
        final CompletableFuture<Void> f = waiters.await(OTHER, WAIT);
        work();

        assertThat(f).isCompleted();
    }

    @Test
    void awaitCompletesWhenTheRegionConnects() {
        final CompletableFuture<Void> f = waiters.await(OTHER, WAIT);
        work();
        assertThat(f).isNotDone();

        waiters.onConnected(OTHER, "901a");
        runCompletions();

        assertThat(f).isCompleted();
    }

    @Test
    void awaitFailsWithTheRegionsLastErrorAfterItsTimeout() {
        final ConnectException refused = new ConnectException("Connection refused");
        waiters.onDisconnected(OTHER, refused);
        final CompletableFuture<Void> f = waiters.await(OTHER, WAIT);
        work();
        advance(WAIT);
        work();

        final Throwable failure = failureOf(f);
        assertThat(failure).isInstanceOf(RegionConnectTimeoutException.class).hasCause(refused);
        assertThat(((RegionConnectTimeoutException) failure).timeout()).isEqualTo(WAIT);
    }

    @Test
    void awaitIsStillOpenJustBeforeItsTimeout() {
        final CompletableFuture<Void> f = waiters.await(OTHER, WAIT);
        work();
        advance(WAIT.minusNanos(1));
        work();

        assertThat(f).isNotDone();
    }

    @Test
    void aPurposefulCloseForgetsTheRegionsEarlierError() {
        waiters.onDisconnected(OTHER, new ConnectException("old"));
        waiters.onConnected(OTHER, "901a");
        waiters.onDisconnected(OTHER, null); // idle close
        final CompletableFuture<Void> f = waiters.await(OTHER, WAIT);
        work();
        advance(WAIT);
        work();

        assertThat(failureOf(f)).isInstanceOf(RegionConnectTimeoutException.class).hasNoCause();
    }

    @Test
    void futuresAreCompletedThroughTheCompleterNotOnTheConductorThread() {
        final CompletableFuture<Void> f = waiters.await(OTHER, WAIT);
        waiters.doWork();
        waiters.onConnected(OTHER, "901a");

        assertThat(f).as("not completed inside the conductor's event").isNotDone();
        assertThat(completions).hasSize(1);
        runCompletions();
        assertThat(f).isCompleted();
    }

    @Test
    void pendingWaitersAreBoundedAtMaxPendingWaiters() {
        final List<CompletableFuture<Void>> accepted = new ArrayList<>();
        for (int i = 0; i < ConnectWaiters.MAX_PENDING_WAITERS - 1; i++) {
            accepted.add(waiters.await(OTHER, WAIT));
        }
        accepted.add(waiters.await(OTHER, WAIT)); // the last one that fits
        final CompletableFuture<Void> beyond = waiters.await(OTHER, WAIT);
        work();

        assertThat(accepted).allSatisfy(f -> assertThat(f).isNotDone());
        assertThat(failureOf(beyond)).isInstanceOf(RejectedExecutionException.class)
            .hasMessageContaining(Integer.toString(ConnectWaiters.MAX_PENDING_WAITERS));
    }

    @Test
    void aSettledWaiterFreesItsPlaceInTheBound() {
        for (int i = 0; i < ConnectWaiters.MAX_PENDING_WAITERS; i++) {
            waiters.await(OTHER, WAIT);
        }
        work();
        waiters.onConnected(OTHER, "901a");
        runCompletions();

        final CompletableFuture<Void> next = waiters.await(OTHER, WAIT);
        work();
        assertThat(next).isCompleted();
    }

    @Test
    void aWaiterTheCallerCancelledFreesItsPlaceInTheBound() {
        final List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < ConnectWaiters.MAX_PENDING_WAITERS; i++) {
            all.add(waiters.await(OTHER, WAIT));
        }
        work();
        all.get(0).cancel(false);
        work();

        assertThat(waiters.await(OTHER, WAIT)).isNotDone();
    }

    @Test
    void closeFailsPendingWaitersAndTheHomeFuture() {
        final CompletableFuture<Void> registered = waiters.await(OTHER, WAIT);
        work();
        final CompletableFuture<Void> queued = waiters.await(HOME, WAIT);
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onClose();
        runCompletions();

        assertThat(failureOf(registered)).isInstanceOf(IllegalStateException.class).hasMessageContaining("engine closed");
        assertThat(failureOf(queued)).isInstanceOf(IllegalStateException.class);
        assertThat(failureOf(home)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void awaitAfterCloseFailsAtOnce() {
        waiters.onClose();

        assertThatThrownBy(() -> waiters.await(OTHER, WAIT).get()).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void errorsOfAsManyRegionsAsTheLargestMapAreRemembered() {
        final ConnectException first = new ConnectException("refused " + 1);
        waiters.onDisconnected(1, first);
        for (int region = 2; region <= ConnectWaiters.MAX_REMEMBERED_ERRORS; region++) {
            waiters.onDisconnected(region, new ConnectException("refused " + region));
        }
        final CompletableFuture<Void> f = waiters.await(1, WAIT);
        work();
        advance(WAIT);
        work();

        assertThat(failureOf(f)).hasCause(first);
    }

    @Test
    void oneRegionMoreThanTheLargestMapForgetsTheOlderErrors() {
        waiters.onDisconnected(1, new ConnectException("refused 1"));
        for (int region = 2; region <= ConnectWaiters.MAX_REMEMBERED_ERRORS + 1; region++) {
            waiters.onDisconnected(region, new ConnectException("refused " + region));
        }
        final CompletableFuture<Void> f = waiters.await(1, WAIT);
        work();
        advance(WAIT);
        work();

        assertThat(failureOf(f)).isInstanceOf(RegionConnectTimeoutException.class).hasNoCause();
    }

    @Test
    void everyEventReachesTheEmbeddersListenerInOrder() {
        final NodeKey peer = NodePrivateKey.generate().publicKey();
        waiters.onHomeChanged(0, HOME);
        waiters.onConnected(HOME, "900a");
        waiters.onHealth(HOME, "x");
        waiters.onPeerGone(HOME, peer, 0);
        waiters.onPeerPresent(HOME, peer);
        waiters.onDisconnected(HOME, null);

        assertThat(embedderEvents).containsExactly("home 0->900", "connected 900 900a", "health 900", "gone 900",
            "present 900", "disconnected 900");
    }

    @Test
    void theFailedHomeFutureReportsExecutionExceptionToGet() {
        final CompletableFuture<Void> home = waiters.homeConnected();
        waiters.onHomeChanged(0, HOME);
        advance(HOME_TIMEOUT);
        work();

        assertThatThrownBy(() -> home.get()).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(RegionConnectTimeoutException.class);
    }
}
