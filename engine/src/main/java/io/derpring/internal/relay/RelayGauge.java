package io.derpring.internal.relay;

import io.derpring.internal.metrics.CounterDescriptor;

/** Levels, not totals: each shard adds and subtracts its share; read as the sum over shards. */
public enum RelayGauge implements CounterDescriptor {
    CONNECTIONS(1, "registered client connections"),
    QUEUED_DATA_PACKETS(2, "packets waiting in the clients' data queues"),
    QUEUED_DISCO_PACKETS(3, "packets waiting in the clients' disco queues"),
    QUEUED_BYTES(4, "frame bytes waiting in the clients' queues"),
    /** Read from the shards' mailboxes, not kept as a level: with the queues, what a drain waits to see at 0. */
    HANDOFFS_PENDING(5, "packets handed to another shard's loop, not yet in its client's queue");

    private final int id;
    private final String label;

    RelayGauge(final int id, final String label) {
        this.id = id;
        this.label = label;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }
}
