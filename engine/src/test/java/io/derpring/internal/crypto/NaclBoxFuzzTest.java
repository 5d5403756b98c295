package io.derpring.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.derpring.testing.Fuzzing;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Opening attacker-chosen bytes returns a length or OPEN_FAILED and never throws or writes outside its buffers.
 * Runs its corpus (NaclBoxFuzzTestInputs/) as a regression test in the normal build; set JAZZER_FUZZ=1 to fuzz.
 */
class NaclBoxFuzzTest {
    private final NaclBox box = new NaclBox();

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void openNeverThrowsOnArbitraryInput(final FuzzedDataProvider data) {
        final byte[] key = data.consumeBytes(32);
        final byte[] nonce = data.consumeBytes(24);
        final byte[] boxed = data.consumeRemainingAsBytes();
        if (key.length < 32 || nonce.length < 24) {
            return;
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[Math.max(0, boxed.length - NaclBox.TAG_LENGTH)]);
        final int result = box.open(BoxKey.fromBytes(key), new UnsafeBuffer(nonce), 0, new UnsafeBuffer(boxed), 0,
            boxed.length, out, 0);
        assertThat(result == NaclBox.OPEN_FAILED || result == boxed.length - NaclBox.TAG_LENGTH).isTrue();
    }
}
