package io.derpring.internal.queue;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/** The one way a pooled element goes back into a many-to-many queue: it must never be lost. */
public final class SpinOffer {
    private SpinOffer() {
    }

    /**
     * Offers until taken. Agrona's many-to-many queue (Vyukov's bounded MPMC) refuses an offer while the poll that
     * last took the element at the tail's index has claimed it but not yet marked it consumed. Every caller sizes its
     * queue at twice the elements in circulation, so it is never refused for being full: the refusal ends as soon as
     * that other thread runs its next instructions, and retrying is a short spin, not a wait for space. Dropping the
     * element instead would leak a slot or buffer for good.
     */
    public static <T> void offerWithoutLoss(final ManyToManyConcurrentArrayQueue<T> queue, final T element) {
        while (!queue.offer(element)) {
            Thread.onSpinWait();
        }
    }
}
