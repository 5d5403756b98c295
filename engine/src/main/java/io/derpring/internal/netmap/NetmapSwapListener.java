package io.derpring.internal.netmap;

import io.derpring.netmap.Netmap;

/**
 * Told when {@link NetmapHolder} replaces its snapshot, e.g. to prune observed routes of peers that left (SPEC §5.4,
 * B52). Both calls run on the writer's thread, in registration order, and must not call
 * {@link NetmapHolder#publish} themselves.
 */
public interface NetmapSwapListener {
    /**
     * Before the swap: hot-path readers still see {@code previous}. Work that must be done before the new peer table
     * is used (SPEC §5.4: prune routes "before the new peer db is installed") goes here. Throwing aborts the swap:
     * {@code previous} stays current and later listeners are not called.
     */
    default void beforeSwap(final Netmap previous, final Netmap next) {
    }

    /**
     * After the swap: a reader that starts a batch now sees {@code next}, but one already inside a batch may still be
     * using {@code previous} until that batch ends. Every listener is called even if one throws; the first
     * exception is then rethrown from {@code publish} with the others suppressed.
     */
    default void afterSwap(final Netmap previous, final Netmap next) {
    }
}
