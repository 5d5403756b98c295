package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The per-client PeerGone queue is bounded ({@link RelayConfig#peerGoneQueueDepth}): a client that stops reading
 * while many senders leave cannot grow it without limit; what does not fit is counted as overflow.
 */
class PeerGoneQueueTest {
    private static final int DEPTH = 4;

    @ParameterizedTest(name = "{0} departures into a queue of " + DEPTH + ": {1} written, {2} overflowed")
    @CsvSource({"3, 3, 0", "4, 4, 0", "5, 4, 1", "7, 4, 3"})
    void peerGoneBeyondTheQueueDepthIsCountedAsOverflow(final int departures, final int written,
                                                         final int overflowed) {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().peerGoneQueueDepth(DEPTH));
        final Peer receiver = bed.connect(0);
        final Peer[] senders = new Peer[departures];
        for (int i = 0; i < departures; i++) {
            senders[i] = bed.connect(0);
            senders[i].send(receiver, dataPacket(10, i));
        }
        bed.pass();
        receiver.sink.setWritable(false);

        for (final Peer s : senders) {
            s.client.close();
        }
        bed.pass();
        receiver.sink.setWritable(true);
        bed.pass();

        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).hasSize(written);
        assertThat(bed.relay.counter(RelayCounter.PEER_GONE_OVERFLOW)).isEqualTo(overflowed);
        assertThat(bed.relay.counter(RelayCounter.PEER_GONE_DISCONNECTED_SENT)).isEqualTo(written);
    }
}
