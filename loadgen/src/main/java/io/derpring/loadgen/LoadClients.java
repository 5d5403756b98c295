package io.derpring.loadgen;

import java.util.Map;

import io.derpring.engine.SendResult;
import io.derpring.internal.metrics.Counters;
import io.derpring.transport.internal.client.ClientCounter;
import org.agrona.DirectBuffer;

/**
 * The DERP clients of a run: two nodes per pair (sender, receiver), connected to the pair's region. Two kinds:
 * {@link RawClients} (bare connections) and {@link EngineClients} (one engine per node).
 */
interface LoadClients extends AckPath, AutoCloseable {
    /** Connects every node; returns when all are connected. */
    void connect(long timeoutNs) throws InterruptedException;

    /**
     * Sender thread: hands one data packet of pair {@code pair} to its sender node. {@link SendResult#BACK_PRESSURED}
     * means nothing was taken or dropped (the sender retries); NO_ROUTE and REJECTED are counted by the client.
     */
    SendResult sendData(int pair, DirectBuffer packet, int length);

    /** Packets still waiting in client-side queues; -1 when the client kind can't tell. */
    long queuedPackets();

    /**
     * Packets our own clients dropped, by counter (outbound queues, refusals, inbound ring): cumulative and
     * non-zero ones only. Data and acks are not told apart: the counters see packets.
     */
    Map<String, Long> drops();

    /** True when every node is connected to its region now. */
    boolean allConnected();

    /** Every node's connection counters (one set for the run), from which the numbers below are read. */
    Counters<ClientCounter> clientCounters();

    /** Connections that reached ServerInfo, cumulative over every node. */
    default long connects() {
        return clientCounters().get(ClientCounter.CONNECTS);
    }

    /** Connections that closed after ServerInfo or failed before it: where packets can be lost in transit. */
    default long connectionsLost() {
        return clientCounters().get(ClientCounter.DISCONNECTS) + clientCounters().get(ClientCounter.CONNECT_FAILURES);
    }

    /** SendPacket frames (data, acks) our clients wrote to their connections. */
    default long packetsWritten() {
        return clientCounters().get(ClientCounter.PACKETS_SENT);
    }

    /** RecvPacket frames our clients read from their connections. */
    default long packetsRead() {
        return clientCounters().get(ClientCounter.PACKETS_RECEIVED);
    }

    /** Cumulative connection events by counter name: connects, disconnects, failures, ring-full pauses, resumes. */
    default Map<String, Long> connectionEvents() {
        return ClientDropTally.events(clientCounters());
    }

    @Override
    void close();
}
