package io.derpring.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.derpring.testing.Fuzzing;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The frame reader on attacker-chosen bytes, fed in attacker-chosen chunks: it delivers frames whose views stay
 * inside what it was given, or fails with a typed {@link FrameError} — never another exception. Byte 0 picks the side
 * (server, fast-start client, client expecting the greeting), byte 1 the chunk size. The corpus
 * (FrameReaderFuzzTestInputs/) holds every frame and malformed case of derp_frames.json and runs as a regression
 * test in the normal build; set JAZZER_FUZZ=1 to fuzz.
 */
class FrameReaderFuzzTest {

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void readersOnlyDeliverFramesOrTypedErrors(final byte[] input) {
        if (input.length < 2) {
            return;
        }
        final Checking handler = new Checking();
        final FrameReader reader;
        switch (Math.floorMod(input[0], 3)) {
            case 0:
                reader = FrameReader.forServer(handler);
                break;
            case 1:
                reader = FrameReader.forClientFastStart(handler);
                break;
            default:
                reader = FrameReader.forClient(handler);
                break;
        }
        final int chunk = 1 + Math.floorMod(input[1], 64);
        int at = 2;
        while (at < input.length && !reader.isClosed()) {
            final int length = Math.min(chunk, input.length - at);
            // an exactly-sized copy: any read outside the chunk throws IndexOutOfBoundsException
            final byte[] piece = java.util.Arrays.copyOfRange(input, at, at + length);
            final int consumed = reader.onData(new UnsafeBuffer(piece), 0, length);
            assertThat(consumed).isBetween(0, length);
            if (consumed < length && reader.isAwaitingVerification()) {
                reader.clientVerified(false);
                at += consumed;
                continue;
            }
            at += length;
        }
        reader.onEndOfStream();
        if (reader.error() != null) {
            assertThat(handler.errors).isEqualTo(1);
            assertThat(reader.errorMessage()).isNotBlank();
        }
    }

    /** Checks every delivered view lies within its buffer. */
    private static final class Checking implements FrameHandler {
        int errors;

        @Override
        public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
            assertThat(offset).isNotNegative();
            assertThat(length).isNotNegative();
            assertThat((long) offset + length).isLessThanOrEqualTo(buffer.capacity());
        }

        @Override
        public void onError(final FrameError error, final int type, final long length) {
            errors++;
        }
    }
}
