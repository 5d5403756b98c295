package io.derpring.loadgen;

import org.agrona.DirectBuffer;

/** How a receiver's ack reaches its sender: through the relay, from the pair's receiving node. */
interface AckPath {
    /** Sends {@code ack[0, length)} from pair {@code pair}'s receiver to its sender. Any thread; never blocks. */
    void sendAck(int pair, DirectBuffer ack, int length);
}
