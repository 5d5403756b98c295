package io.derpring.server;

import java.util.concurrent.RejectedExecutionException;

import io.derpring.internal.relay.RelayShard;
import io.derpring.internal.relay.ShardScheduler;
import io.netty.channel.SingleThreadEventLoop;

/**
 * Runs a shard's pass on its event loop: after the loop's current iteration for local work (so every read of the
 * iteration is written in one batch and flushed once per client), or as a task when another loop handed packets over.
 */
final class LoopScheduler implements ShardScheduler {
    private final SingleThreadEventLoop loop;
    private final Runnable pass;
    private RelayShard<?> shard;

    LoopScheduler(final SingleThreadEventLoop loop) {
        this.loop = loop;
        this.pass = () -> shard.runPass();
    }

    void attach(final RelayShard<?> shard) {
        this.shard = shard;
    }

    SingleThreadEventLoop loop() {
        return loop;
    }

    @Override
    public void passRequested() {
        try {
            loop.executeAfterEventLoopIteration(pass);
        } catch (final RejectedExecutionException e) {
            // the loop is shutting down: its clients are being closed and counted
        }
    }

    @Override
    public void wakeup() {
        try {
            loop.execute(pass);
        } catch (final RejectedExecutionException e) {
            // the loop is shutting down
        }
    }
}
