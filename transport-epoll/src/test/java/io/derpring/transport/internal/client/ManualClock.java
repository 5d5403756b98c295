package io.derpring.transport.internal.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nano clock that moves only when a test says so. */
final class ManualClock implements LongSupplier {
    private final AtomicLong nowNs = new AtomicLong(1_000_000_000L);

    @Override
    public long getAsLong() {
        return nowNs.get();
    }

    void advance(final long duration, final TimeUnit unit) {
        nowNs.addAndGet(unit.toNanos(duration));
    }
}
