package io.derpring.loadgen;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets an ack that opens a full window wake the parked sender at once instead of at the end of its park. A wake
 * that races with the start of a park is lost, which only costs the park's bounded length.
 */
final class SenderWakeup {
    private volatile Thread parkedThread;

    /** Sender thread: parks for at most {@code nanos}. */
    void park(final long nanos) {
        parkedThread = Thread.currentThread();
        LockSupport.parkNanos(nanos);
        parkedThread = null;
    }

    /** Any thread; cheap when the sender is not parked (one volatile read). */
    void wake() {
        final Thread t = parkedThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
