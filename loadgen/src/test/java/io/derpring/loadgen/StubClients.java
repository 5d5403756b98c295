package io.derpring.loadgen;

import java.util.Map;

import io.derpring.engine.SendResult;
import io.derpring.internal.metrics.Counters;
import io.derpring.transport.internal.client.ClientCounter;
import org.agrona.DirectBuffer;

/**
 * Clients that are always connected, accept every packet and hold none: a test overrides what it watches (the data
 * sends, the counters).
 */
abstract class StubClients implements LoadClients {
    final Counters<ClientCounter> counters = new Counters<>(ClientCounter.class);

    @Override
    public void connect(final long timeoutNs) {
    }

    @Override
    public SendResult sendData(final int pair, final DirectBuffer packet, final int length) {
        return SendResult.ACCEPTED;
    }

    @Override
    public SendResult sendAck(final int pair, final DirectBuffer ack, final int length) {
        return SendResult.ACCEPTED;
    }

    @Override
    public long queuedPackets() {
        return 0;
    }

    @Override
    public Map<String, Long> drops() {
        return Map.of();
    }

    @Override
    public boolean allConnected() {
        return true;
    }

    @Override
    public Counters<ClientCounter> clientCounters() {
        return counters;
    }

    @Override
    public void close() {
    }
}
