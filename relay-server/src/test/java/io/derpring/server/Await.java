package io.derpring.server;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, giving the CPU back between checks (CI has 2 cores). */
public final class Await {
    private Await() {
    }

    public static void awaitTrue(final String what, final BooleanSupplier condition, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                fail(what + ": not met within " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
