package io.derpring.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** What a reader says about itself: which side it reads for, its handshake state, its client's mesh permission. */
class FrameReaderStateTest {

    @Test
    void aClientReaderWaitsForTheServerKeyGreeting() {
        final RecordingHandler handler = new RecordingHandler();
        final FrameReader reader = FrameReader.forClient(handler);
        handler.reader = reader;
        assertThat(reader.inHandshake()).isTrue();
        reader.onData(new UnsafeBuffer(Readers.SERVER_KEY_FRAME), 0, Readers.SERVER_KEY_FRAME.length);
        assertThat(reader.inHandshake()).isFalse();
        assertThat(reader.error()).isNull();
    }

    @Test
    void aClientAdmittedWithoutTheMeshKeyIsNotAMeshPeer() {
        assertThat(Readers.server(false).reader.isMeshPeer()).isFalse();
    }

    @Test
    void eachSideNamesItselfInMessages() {
        assertThat(FrameRules.client().side()).isEqualTo("client");
        assertThat(FrameRules.server().side()).isEqualTo("server");
    }

    @Test
    void everyDropReasonHasACounterLabel() {
        assertThat(FrameDrop.values()).allSatisfy(d -> assertThat(d.label()).isNotBlank());
    }

    @Test
    void aHandlerThatEndsTheStreamInsideOnFrameStopsTheRestOfThatRead() {
        final int[] delivered = {0};
        final FrameReader[] reader = new FrameReader[1];
        reader[0] = FrameReader.forClientFastStart((type, buffer, offset, length) -> {
            delivered[0]++;
            reader[0].onEndOfStream();
        });
        final byte[] ping = Readers.frame(FrameType.PING, new byte[8]);
        final byte[] twoPings = Readers.concat(ping, ping);
        reader[0].onData(new UnsafeBuffer(twoPings), 0, twoPings.length);
        assertThat(delivered[0]).isEqualTo(1);
        assertThat(reader[0].isClosed()).isTrue();
    }

    @Test
    void aHandlerThatYieldsGetsTheRestOfTheReadOfferedBackUnread() {
        final int[] delivered = {0};
        final FrameReader[] reader = new FrameReader[1];
        reader[0] = FrameReader.forClientFastStart((type, buffer, offset, length) -> {
            if (++delivered[0] == 2) {
                reader[0].yieldAfterFrame();
            }
        });
        final byte[] ping = Readers.frame(FrameType.PING, new byte[8]);
        final byte[] threePings = Readers.concat(Readers.concat(ping, ping), ping);
        final UnsafeBuffer bytes = new UnsafeBuffer(threePings);
        final int consumed = reader[0].onData(bytes, 0, threePings.length);
        assertThat(consumed).as("up to the end of the frame that yielded").isEqualTo(2 * ping.length);
        assertThat(delivered[0]).isEqualTo(2);
        assertThat(reader[0].onData(bytes, consumed, threePings.length - consumed)).isEqualTo(ping.length);
        assertThat(delivered[0]).isEqualTo(3);
        assertThat(reader[0].error()).isNull();
    }
}
