package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, parking in between (CI has 2 cores); never sleeps as a wait. */
final class Await {
    static final Duration DEFAULT = Duration.ofSeconds(20);

    private Await() {
    }

    static void until(final String what, final BooleanSupplier condition) {
        until(what, condition, DEFAULT);
    }

    static void until(final String what, final BooleanSupplier condition, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                fail("not met within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
