package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * A frame split across reads is staged: in {@link FrameReader#INITIAL_STAGING_CAPACITY} bytes or the next power of
 * two that holds it, and a buffer grown beyond {@link FrameReader#RETAINED_STAGING_CAPACITY} is let go once the frame
 * is delivered, so one rare big frame does not pin its buffer for the connection's life.
 */
class FrameStagingTest {

    /** Feeds a Health frame with {@code payloadLength} bytes in two reads, the first ending inside the payload. */
    private static Readers deliverSplitHealth(final int payloadLength) {
        final Readers r = Readers.client();
        final byte[] health = Readers.frame(FrameType.HEALTH, new byte[payloadLength]);
        final int firstRead = HEADER_LENGTH + 1;
        r.reader.onData(new UnsafeBuffer(health), 0, firstRead);
        r.reader.onData(new UnsafeBuffer(health), firstRead, health.length - firstRead);
        assertThat(r.handler.onlyFrame().length()).isEqualTo(payloadLength);
        return r;
    }

    @Test
    void aSmallSplitFrameIsStagedInTheInitialCapacity() {
        assertThat(deliverSplitHealth(100).reader.stagingCapacity()).isEqualTo(FrameReader.INITIAL_STAGING_CAPACITY);
    }

    @Test
    void aSplitFrameOfExactlyTheInitialCapacityIsStagedInIt() {
        assertThat(deliverSplitHealth(FrameReader.INITIAL_STAGING_CAPACITY).reader.stagingCapacity())
            .isEqualTo(FrameReader.INITIAL_STAGING_CAPACITY);
    }

    @Test
    void aSplitFrameOneByteAboveTheInitialCapacityDoublesIt() {
        assertThat(deliverSplitHealth(FrameReader.INITIAL_STAGING_CAPACITY + 1).reader.stagingCapacity())
            .isEqualTo(2 * FrameReader.INITIAL_STAGING_CAPACITY);
    }

    @Test
    void aStagingBufferOfExactlyTheRetainedCapacityIsKept() {
        assertThat(deliverSplitHealth(FrameReader.RETAINED_STAGING_CAPACITY).reader.stagingCapacity())
            .isEqualTo(FrameReader.RETAINED_STAGING_CAPACITY);
    }

    @Test
    void aStagingBufferGrownBeyondTheRetainedCapacityIsReleasedAfterTheFrame() {
        assertThat(deliverSplitHealth(FrameReader.RETAINED_STAGING_CAPACITY + 1).reader.stagingCapacity()).isZero();
    }
}
