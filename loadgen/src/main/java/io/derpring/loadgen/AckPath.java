package io.derpring.loadgen;

import io.derpring.engine.SendResult;
import org.agrona.DirectBuffer;

/** How a receiver's ack reaches its sender: through the relay, from the pair's receiving node. */
interface AckPath {
    /**
     * Sends {@code ack[0, length)} from pair {@code pair}'s receiver to its sender. Any thread; never blocks; a
     * BACK_PRESSURED ack was neither taken nor dropped.
     */
    SendResult sendAck(int pair, DirectBuffer ack, int length);
}
