package io.derpring.internal.netmap;

import io.derpring.netmap.Netmap;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes the current {@link Netmap} snapshot to hot-path readers through one volatile field.
 *
 * <p>Thread rule: a single writer (the control/config thread) calls {@link #publish}; any number of readers call
 * {@link #current()} without locking. A reader should read {@code current()} once per batch and use that snapshot
 * for the whole batch, because peer ids are only meaningful within the snapshot that issued them. The volatile write
 * publishes the snapshot's final fields and arrays safely. Listeners ({@link NetmapSwapListener}) run on the writer's
 * thread: {@code beforeSwap} while readers still see the old snapshot, {@code afterSwap} once new batches see the
 * new one. Registering listeners may happen on any thread, but is not meant for the hot path.
 */
public final class NetmapHolder {
    private volatile Netmap current;
    private final CopyOnWriteArrayList<NetmapSwapListener> listeners = new CopyOnWriteArrayList<>();
    private boolean publishing; // writer thread only: catches a listener that publishes from inside a publish

    /** Starts with {@link Netmap#EMPTY}. */
    public NetmapHolder() {
        this(Netmap.EMPTY);
    }

    public NetmapHolder(final Netmap initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    /** The current snapshot (one volatile read; never null, never blocks). */
    public Netmap current() {
        return current;
    }

    public void addListener(final NetmapSwapListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public boolean removeListener(final NetmapSwapListener listener) {
        return listeners.remove(listener);
    }

    /**
     * Replaces the snapshot: {@code beforeSwap} on every listener, the volatile write, then {@code afterSwap} on every
     * listener. Publishing the snapshot that is already current does nothing.
     *
     * @return true when the snapshot was replaced
     * @throws IllegalStateException when called from a listener during another publish
     */
    public boolean publish(final Netmap next) {
        Objects.requireNonNull(next, "next");
        if (publishing) {
            throw new IllegalStateException("publish called from a NetmapSwapListener: there is one writer");
        }
        final Netmap previous = current;
        if (next == previous) {
            return false;
        }
        publishing = true;
        try {
            for (final NetmapSwapListener listener : listeners) {
                listener.beforeSwap(previous, next);
            }
            current = next;
            RuntimeException first = null;
            for (final NetmapSwapListener listener : listeners) {
                try {
                    listener.afterSwap(previous, next);
                } catch (final RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            return true;
        } finally {
            publishing = false;
        }
    }
}
