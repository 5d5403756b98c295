package io.derpring.internal.disco;

import io.derpring.disco.EndpointList;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.testing.Fuzzing;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Disco open + parse on attacker-chosen bytes: only typed outcomes, never an exception. The corpus
 * (DiscoOpenFuzzTestInputs/) holds every sealed message of disco.json, so mutations start from packets that open;
 * it runs as a regression test in the normal build. Set JAZZER_FUZZ=1 to fuzz.
 */
class DiscoOpenFuzzTest {
    /** disco.json's recipient, so the corpus packets really open and parse. */
    private static final DiscoPrivateKey RECIPIENT = DiscoPrivateKey.fromBytes(Vectors.hex(
        Vectors.load("disco.json").get("sealed_messages").get(0).get("recipient_disco_private")));

    private final DiscoOpener opener = new DiscoOpener(new DiscoKeyCache(RECIPIENT, 16));
    private final CallMeMaybeFilter filter = new CallMeMaybeFilter(true);
    private final EndpointList endpoints = EndpointList.forCallMeMaybe();

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void openAndParseNeverThrow(final byte[] packet) {
        final DiscoOpenResult result = opener.open(new UnsafeBuffer(packet), 0, packet.length);
        assertThat(result).isNotNull();
        if (result == DiscoOpenResult.OK_CALL_ME_MAYBE) {
            endpoints.clear();
            assertThat(filter.filter(opener.callMeMaybe(), endpoints))
                .isBetween(0, CallMeMaybeFilter.MAX_INBOUND_CALLMEMAYBE_ENDPOINTS);
        }
        if (result == DiscoOpenResult.OK_PONG) {
            assertThat(opener.pong().port()).isBetween(0, 65535);
        }
    }
}
