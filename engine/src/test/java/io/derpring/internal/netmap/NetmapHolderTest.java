package io.derpring.internal.netmap;

import io.derpring.netmap.Netmap;

import static io.derpring.netmap.Netmap.NO_PEER;
import static io.derpring.internal.netmap.NetmapTest.nodeKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.derpring.keys.NodeKey;

@Timeout(30)
class NetmapHolderTest {
    private static Netmap netmapOf(final int... seeds) {
        final Netmap.Builder b = Netmap.builder();
        for (final int seed : seeds) {
            b.addPeer(nodeKey(seed), null, 0);
        }
        return b.build();
    }

    static void awaitTrue(final BooleanSupplier condition, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                fail("condition not met within " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void startsWithTheEmptyNetmap() {
        assertThat(new NetmapHolder().current()).isSameAs(Netmap.EMPTY);
    }

    @Test
    void publishedSnapshotIsVisibleToAReaderThread() throws InterruptedException {
        final NetmapHolder holder = new NetmapHolder();
        final UnsafeBuffer wire = new UnsafeBuffer(nodeKey(42).toBytes());
        final AtomicInteger seenPeerId = new AtomicInteger(Integer.MIN_VALUE);
        final AtomicReference<Throwable> readerError = new AtomicReference<>();
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        final Thread reader = new Thread(() -> {
            try {
                while (System.nanoTime() - deadlineNs < 0) {
                    final Netmap batchSnapshot = holder.current(); // once per "batch"
                    final int peerId = batchSnapshot.peerIdOf(wire, 0);
                    if (peerId != NO_PEER) {
                        seenPeerId.set(peerId);
                        return;
                    }
                    LockSupport.parkNanos(100_000);
                }
            } catch (final Throwable t) {
                readerError.set(t);
            }
        }, "netmap-reader");
        reader.start();
        assertThat(seenPeerId.get()).isEqualTo(Integer.MIN_VALUE);
        holder.publish(netmapOf(7, 42));
        reader.join(Duration.ofSeconds(15).toMillis());
        assertThat(readerError.get()).isNull();
        assertThat(reader.isAlive()).isFalse();
        assertThat(seenPeerId.get()).isEqualTo(1);
    }

    @Test
    void listenersRunOnTheWriterThreadBeforeAndAfterTheSwap() {
        final NetmapHolder holder = new NetmapHolder();
        final Netmap first = netmapOf(1);
        final Netmap second = netmapOf(2);
        holder.publish(first);
        final List<String> events = new ArrayList<>();
        final Thread writer = Thread.currentThread();
        holder.addListener(new NetmapSwapListener() {
            @Override
            public void beforeSwap(final Netmap previous, final Netmap next) {
                assertThat(Thread.currentThread()).isSameAs(writer);
                assertThat(holder.current()).as("readers still see the old snapshot").isSameAs(previous);
                events.add("before " + (previous == first) + " " + (next == second));
            }

            @Override
            public void afterSwap(final Netmap previous, final Netmap next) {
                assertThat(holder.current()).as("new batches see the new snapshot").isSameAs(next);
                events.add("after " + (previous == first) + " " + (next == second));
            }
        });
        holder.addListener(new NetmapSwapListener() {
            @Override
            public void beforeSwap(final Netmap previous, final Netmap next) {
                events.add("second listener before");
            }
        });
        assertThat(holder.publish(second)).isTrue();
        assertThat(events).containsExactly("before true true", "second listener before", "after true true");
    }

    @Test
    @DisplayName("B52 hook: a listener prunes routes of peers not in the new netmap before readers can use it")
    void b52ListenerPrunesRoutesBeforeTheNewNetmapIsUsed() {
        final NetmapHolder holder = new NetmapHolder(netmapOf(1, 2, 3));
        final Map<NodeKey, Integer> observedRoutes = new HashMap<>(Map.of(nodeKey(1), 900, nodeKey(3), 901));
        final List<Boolean> oldSnapshotStillCurrent = new ArrayList<>();
        holder.addListener(new NetmapSwapListener() {
            @Override
            public void beforeSwap(final Netmap previous, final Netmap next) {
                observedRoutes.keySet().removeIf(peer -> next.peerIdOf(peer) == NO_PEER);
                oldSnapshotStillCurrent.add(holder.current() == previous);
            }
        });
        holder.publish(netmapOf(1, 2));
        assertThat(observedRoutes).containsOnlyKeys(nodeKey(1));
        assertThat(oldSnapshotStillCurrent).containsExactly(true);
    }

    @Test
    void throwingBeforeSwapAbortsTheSwap() {
        final Netmap first = netmapOf(1);
        final NetmapHolder holder = new NetmapHolder(first);
        final List<String> events = new ArrayList<>();
        holder.addListener(new NetmapSwapListener() {
            @Override
            public void beforeSwap(final Netmap previous, final Netmap next) {
                throw new IllegalStateException("refuse");
            }
        });
        holder.addListener(new NetmapSwapListener() {
            @Override
            public void beforeSwap(final Netmap previous, final Netmap next) {
                events.add("before");
            }

            @Override
            public void afterSwap(final Netmap previous, final Netmap next) {
                events.add("after");
            }
        });
        assertThatThrownBy(() -> holder.publish(netmapOf(2))).hasMessage("refuse");
        assertThat(holder.current()).isSameAs(first);
        assertThat(events).isEmpty();
    }

    @Test
    void throwingAfterSwapKeepsTheSwapAndStillCallsEveryListener() {
        final NetmapHolder holder = new NetmapHolder();
        final Netmap next = netmapOf(1);
        final List<String> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final int n = i;
            holder.addListener(new NetmapSwapListener() {
                @Override
                public void afterSwap(final Netmap previous, final Netmap nextMap) {
                    events.add("after " + n);
                    if (n != 1) {
                        throw new IllegalStateException("listener " + n);
                    }
                }
            });
        }
        assertThatThrownBy(() -> holder.publish(next)).hasMessage("listener 0")
            .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                .containsExactly("listener 2"));
        assertThat(holder.current()).isSameAs(next);
        assertThat(events).containsExactly("after 0", "after 1", "after 2");
    }

    @Test
    void publishingTheCurrentSnapshotAgainDoesNothing() {
        final Netmap netmap = netmapOf(1);
        final NetmapHolder holder = new NetmapHolder(netmap);
        final AtomicInteger calls = new AtomicInteger();
        holder.addListener(new NetmapSwapListener() {
            @Override
            public void beforeSwap(final Netmap previous, final Netmap next) {
                calls.incrementAndGet();
            }
        });
        assertThat(holder.publish(netmap)).isFalse();
        assertThat(calls).hasValue(0);
    }

    @Test
    void publishingFromAListenerIsRejected() {
        final NetmapHolder holder = new NetmapHolder();
        final NetmapSwapListener reentrant = new NetmapSwapListener() {
            @Override
            public void afterSwap(final Netmap previous, final Netmap next) {
                holder.publish(netmapOf(9));
            }
        };
        holder.addListener(reentrant);
        assertThatThrownBy(() -> holder.publish(netmapOf(1))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("one writer");
        assertThat(holder.current().peerIdOf(nodeKey(1))).isZero();
        holder.removeListener(reentrant);
        assertThat(holder.publish(netmapOf(2))).as("the holder is usable afterwards").isTrue();
    }

    @Test
    void removedListenerIsNotCalled() {
        final NetmapHolder holder = new NetmapHolder();
        final AtomicInteger calls = new AtomicInteger();
        final NetmapSwapListener listener = new NetmapSwapListener() {
            @Override
            public void afterSwap(final Netmap previous, final Netmap next) {
                calls.incrementAndGet();
            }
        };
        holder.addListener(listener);
        holder.publish(netmapOf(1));
        assertThat(holder.removeListener(listener)).isTrue();
        holder.publish(netmapOf(2));
        assertThat(calls).hasValue(1);
    }
}
