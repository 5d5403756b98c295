package io.derpring.internal.relay;

import io.derpring.relay.AdmissionDecision;
import io.derpring.relay.ClientAdmission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §3.8: allow-list AND callbacks, first refusal decides, never an exceptional stage. */
class AdmissionChainTest {
    private static final NodeKey LISTED = NodePrivateKey.generate().publicKey();
    private static final NodeKey UNLISTED = NodePrivateKey.generate().publicKey();
    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();

    private static ClientAdmission answering(final Boolean answer) {
        return (k, a) -> CompletableFuture.completedFuture(answer);
    }

    private static final ClientAdmission YES = answering(true);
    private static final ClientAdmission NO = answering(false);
    private static final ClientAdmission FAILS = (k, a) -> CompletableFuture.failedFuture(new IllegalStateException("x"));
    private static final ClientAdmission THROWS = (k, a) -> {
        throw new IllegalStateException("x");
    };
    /** An Error from the embedder's code (not the VM's): still the callback's failure, not the event loop's. */
    private static final ClientAdmission THROWS_ERROR = (k, a) -> {
        throw new AssertionError("embedder assertion");
    };

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("no list, no callbacks", false, List.of(), LISTED, AdmissionDecision.ADMITTED),
            Arguments.of("listed", true, List.of(), LISTED, AdmissionDecision.ADMITTED),
            Arguments.of("unlisted", true, List.of(), UNLISTED, AdmissionDecision.NOT_ALLOWED_LIST),
            Arguments.of("unlisted AND yes", true, List.of(YES), UNLISTED, AdmissionDecision.NOT_ALLOWED_LIST),
            Arguments.of("listed AND no", true, List.of(NO), LISTED, AdmissionDecision.CALLBACK_REFUSED),
            Arguments.of("listed AND yes AND yes", true, List.of(YES, YES), LISTED, AdmissionDecision.ADMITTED),
            Arguments.of("yes AND no", false, List.of(YES, NO), LISTED, AdmissionDecision.CALLBACK_REFUSED),
            Arguments.of("failed stage", false, List.of(FAILS), LISTED, AdmissionDecision.CALLBACK_ERROR),
            Arguments.of("throwing callback", false, List.of(THROWS), LISTED, AdmissionDecision.CALLBACK_ERROR),
            Arguments.of("callback throwing an Error", false, List.of(THROWS_ERROR), LISTED,
                AdmissionDecision.CALLBACK_ERROR),
            Arguments.of("null answer", false, List.of(answering(null)), LISTED, AdmissionDecision.CALLBACK_ERROR),
            Arguments.of("null stage", false, List.of((ClientAdmission) (k, a) -> null), LISTED,
                AdmissionDecision.CALLBACK_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decision(final String name, final boolean withList, final List<ClientAdmission> callbacks, final NodeKey key,
                  final AdmissionDecision expected) throws Exception {
        final AdmissionChain chain = new AdmissionChain(withList ? Set.of(LISTED)::contains : null, callbacks);
        assertThat(chain.decide(key, SOURCE).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a callback's exception is recorded (logged once per distinct error), not swallowed")
    void callbackFailuresAreRecorded() throws Exception {
        final AdmissionChain chain = new AdmissionChain(null, List.of(THROWS));
        chain.decide(LISTED, SOURCE).toCompletableFuture().get();
        final AdmissionChain failing = new AdmissionChain(null, List.of(FAILS));
        failing.decide(LISTED, SOURCE).toCompletableFuture().get();
        failing.decide(LISTED, SOURCE).toCompletableFuture().get();
        assertThat(chain.callbackFailures()).isEqualTo(1);
        assertThat(failing.callbackFailures()).isEqualTo(2);
        assertThat(new AdmissionChain(null, List.of(NO)).callbackFailures()).isZero();
    }

    @Test
    void aVirtualMachineErrorIsNotSwallowedAsACallbackError() {
        final AdmissionChain chain = new AdmissionChain(null, List.of((k, a) -> {
            throw new InternalError("vm");
        }));
        assertThatThrownBy(() -> chain.decide(LISTED, SOURCE)).isInstanceOf(InternalError.class);
    }

    @Test
    @DisplayName("AND short-circuits: after a refusal the later callbacks are never asked")
    void laterCallbacksAreNotAskedAfterARefusal() throws Exception {
        final List<NodeKey> asked = new ArrayList<>();
        final ClientAdmission recording = (k, a) -> {
            asked.add(k);
            return CompletableFuture.completedFuture(true);
        };
        new AdmissionChain(null, List.of(NO, recording)).decide(LISTED, SOURCE).toCompletableFuture().get();
        new AdmissionChain(Set.of(LISTED)::contains, List.of(recording)).decide(UNLISTED, SOURCE).toCompletableFuture().get();
        assertThat(asked).isEmpty();
    }

    @Test
    @DisplayName("a callback completed later on another thread decides then; the callback sees the key and source")
    void asynchronousAnswer() throws Exception {
        final CompletableFuture<Boolean> answer = new CompletableFuture<>();
        final List<Object> seen = new ArrayList<>();
        final AdmissionChain chain = new AdmissionChain(null, List.of((k, a) -> {
            seen.add(k);
            seen.add(a);
            return answer;
        }));
        final CompletableFuture<AdmissionDecision> decision = chain.decide(LISTED, SOURCE).toCompletableFuture();
        assertThat(decision).isNotDone();
        final Thread t = new Thread(() -> answer.complete(true));
        t.start();
        assertThat(decision.get(5, TimeUnit.SECONDS)).isEqualTo(AdmissionDecision.ADMITTED);
        assertThat(seen).containsExactly(LISTED, SOURCE);
    }
}
