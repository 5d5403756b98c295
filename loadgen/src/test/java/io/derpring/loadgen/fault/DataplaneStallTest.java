package io.derpring.loadgen.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DataplaneStallTest {
    @Test
    void withoutAStallTheHookReturnsAtOnce() {
        new DataplaneStall().pauseIfStalled(); // the test's timeout is the failure
    }

    @Test
    void aStallHoldsTheDataplaneUntilItEnds() throws Exception {
        final DataplaneStall stall = new DataplaneStall();
        stall.stallFor(TimeUnit.MINUTES.toNanos(1));
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicBoolean returnedAfterEnd = new AtomicBoolean();
        final Thread dataplane = new Thread(() -> {
            entered.countDown();
            stall.pauseIfStalled();
            returnedAfterEnd.set(ended.get());
        });
        dataplane.start();
        entered.await();
        ended.set(true);
        stall.end();
        dataplane.join();
        assertThat(returnedAfterEnd).as("held until the stall ended, not a moment before").isTrue();
    }

    @Test
    void aStallEndsByItself() throws Exception {
        final DataplaneStall stall = new DataplaneStall();
        stall.stallFor(TimeUnit.MILLISECONDS.toNanos(50));
        stall.pauseIfStalled(); // returns once the 50 ms are over; the test's timeout is the failure
        stall.pauseIfStalled();
    }
}
