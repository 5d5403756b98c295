package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.server.AdmissionController.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * derper's {@code --verify-client-url} against an in-test controller on 127.0.0.1, one test per outcome: what is
 * posted, what admits, what refuses with and without fail-open, the cache and the in-flight cap.
 */
@Timeout(60)
class VerifyClientUrlTest {
    /** For the timeout tests, whose controller never answers: small, so they are quick. */
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);
    /**
     * For every test whose controller does answer: Go's 5 s, so that a loaded 2-core CI machine cannot turn an answer
     * into a timeout.
     */
    private static final long ANSWER_TIMEOUT_NS = VerifyClientUrl.DEFAULT_TIMEOUT_NS;
    /** For requests a test holds at the controller: they must not time out while the test looks at them. */
    private static final long HELD_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();
    private static final String ALLOW = "{\"Allow\":true}";

    private AdmissionController controller;
    private final List<VerifyClientUrl> webhooks = new ArrayList<>();
    private final AtomicLong nowNs = new AtomicLong();

    @BeforeEach
    void startController() throws IOException {
        controller = new AdmissionController();
    }

    @AfterEach
    void stop() {
        webhooks.forEach(VerifyClientUrl::close);
        controller.close();
    }

    private VerifyClientUrl webhook(final boolean failOpen) {
        return webhook(controller.url(), failOpen, VerifyClientUrl.DEFAULT_MAX_IN_FLIGHT, ANSWER_TIMEOUT_NS);
    }

    /** A webhook whose controller never answers in time. */
    private VerifyClientUrl silentWebhook(final boolean failOpen) {
        controller.reply(Reply.HANG);
        return webhook(controller.url(), failOpen, VerifyClientUrl.DEFAULT_MAX_IN_FLIGHT, TIMEOUT_NS);
    }

    private VerifyClientUrl webhook(final URI url, final boolean failOpen, final int maxInFlight, final long timeoutNs) {
        final VerifyClientUrl w = new VerifyClientUrl(url, failOpen, timeoutNs, maxInFlight,
            new AdmissionAnswerCache(AdmissionAnswerCache.DEFAULT_TTL_NS, AdmissionAnswerCache.DEFAULT_MAX_ENTRIES),
            nowNs::get);
        webhooks.add(w);
        return w;
    }

    private static NodeKey newKey() {
        return NodePrivateKey.generate().publicKey();
    }

    private static boolean await(final CompletionStage<Boolean> answer) throws Exception {
        return answer.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static boolean ask(final VerifyClientUrl w, final NodeKey key) throws Exception {
        return await(w.admit(key, SOURCE));
    }

    @Test
    @DisplayName("Allow:true admits; the controller got a POST of Go's DERPAdmitClientRequest: NodePublic and Source")
    void allowAdmitsAndPostsNodePublicAndSource() throws Exception {
        final VerifyClientUrl w = webhook(false);
        final NodeKey key = newKey();
        assertThat(ask(w, key)).isTrue();
        final AdmissionController.Request r = controller.nextRequest(WAIT.toMillis());
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.contentType()).as("Go's http.NewRequest sets none").isNull();
        assertThat(r.body()).isEqualTo("{\"NodePublic\":\"nodekey:" + key.toHex() + "\",\"Source\":\"127.0.0.1\"}");
        assertThat(w.outcome(VerifyClientOutcome.ALLOWED)).isEqualTo(1);
    }

    @Test
    @DisplayName("Allow:false refuses")
    void allowFalseRefuses() throws Exception {
        controller.reply(Reply.json("{\"Allow\":false}"));
        final VerifyClientUrl w = webhook(true);
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.DENIED)).isEqualTo(1);
    }

    @Test
    @DisplayName("a 500 refuses even with fail-open: the controller answered")
    void serverErrorRefusesEvenFailOpen() throws Exception {
        controller.reply(Reply.status(500));
        final VerifyClientUrl w = webhook(true);
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.HTTP_ERROR)).isEqualTo(1);
    }

    @Test
    @DisplayName("a 200 with bad JSON refuses even with fail-open")
    void badJsonRefusesEvenFailOpen() throws Exception {
        controller.reply(Reply.json("{\"Allow\":tru"));
        final VerifyClientUrl w = webhook(true);
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.BAD_JSON)).isEqualTo(1);
    }

    @Test
    @DisplayName("no answer within the timeout, fail-open: admitted and counted")
    void timeoutFailOpenAdmits() throws Exception {
        final VerifyClientUrl w = silentWebhook(true);
        assertThat(ask(w, newKey())).isTrue();
        assertThat(w.outcome(VerifyClientOutcome.TIMEOUT_FAIL_OPEN)).isEqualTo(1);
    }

    @Test
    @DisplayName("no answer within the timeout, fail-closed: refused and counted")
    void timeoutFailClosedRefuses() throws Exception {
        final VerifyClientUrl w = silentWebhook(false);
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.TIMEOUT_FAIL_CLOSED)).isEqualTo(1);
    }

    @Test
    @DisplayName("a 200 whose body stalls refuses even with fail-open, as Go's decoder fails on the cut body")
    void stalledBodyRefusesEvenFailOpen() throws Exception {
        controller.reply(Reply.stalledBody(200, ALLOW));
        final VerifyClientUrl w = webhook(true);
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.BODY_ERROR)).isEqualTo(1);
    }

    @Test
    @DisplayName("a 500 whose body stalls refuses at once even with fail-open: Go reads no body after a non-200")
    void serverErrorWithStalledBodyRefusesAtOnce() throws Exception {
        controller.reply(Reply.stalledBody(500, "{\"error\":\"down\"}"));
        final VerifyClientUrl w = webhook(controller.url(), true, 1, HELD_TIMEOUT_NS);
        assertThat(ask(w, newKey())).isFalse(); // within WAIT, long before the 30 s timeout
        assertThat(w.outcome(VerifyClientOutcome.HTTP_ERROR)).isEqualTo(1);
    }

    private static URI closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/verify");
        }
    }

    @Test
    @DisplayName("connection refused, fail-open: admitted and counted as a transport error")
    void transportErrorFailOpenAdmits() throws Exception {
        final VerifyClientUrl w = webhook(closedPort(), true, 1, ANSWER_TIMEOUT_NS);
        assertThat(ask(w, newKey())).isTrue();
        assertThat(w.outcome(VerifyClientOutcome.TRANSPORT_ERROR_FAIL_OPEN)).isEqualTo(1);
    }

    @Test
    @DisplayName("connection refused, fail-closed: refused and counted as a transport error")
    void transportErrorFailClosedRefuses() throws Exception {
        final VerifyClientUrl w = webhook(closedPort(), false, 1, ANSWER_TIMEOUT_NS);
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.TRANSPORT_ERROR_FAIL_CLOSED)).isEqualTo(1);
    }

    @Test
    @DisplayName("Go reads 4 KiB of the answer: a JSON value that ends at byte 4096 counts, one that ends at 4097 is cut")
    void answerIsReadUpToFourKiB() throws Exception {
        final VerifyClientUrl w = webhook(true);
        controller.reply(Reply.json(paddedAllow(VerifyClientUrl.MAX_ANSWER_BYTES)));
        assertThat(ask(w, newKey())).isTrue();
        controller.reply(Reply.json(paddedAllow(VerifyClientUrl.MAX_ANSWER_BYTES + 1)));
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.ALLOWED)).isEqualTo(1);
        assertThat(w.outcome(VerifyClientOutcome.BAD_JSON)).isEqualTo(1);
    }

    /** {@code {"Allow":true,"pad":"xxx…"}} of exactly {@code length} bytes. */
    private static String paddedAllow(final int length) {
        final String head = "{\"Allow\":true,\"pad\":\"";
        final String tail = "\"}";
        return head + "x".repeat(length - head.length() - tail.length()) + tail;
    }

    @Test
    @DisplayName("cache: the same key and source within the TTL is answered without asking, allowed or denied")
    void cachedAnswersAreReusedWithoutAsking() throws Exception {
        final VerifyClientUrl w = webhook(true);
        final NodeKey allowed = newKey();
        assertThat(ask(w, allowed)).isTrue();
        assertThat(ask(w, allowed)).isTrue();
        controller.reply(Reply.json("{\"Allow\":false}"));
        final NodeKey denied = newKey();
        assertThat(ask(w, denied)).isFalse();
        assertThat(ask(w, denied)).isFalse();
        assertThat(controller.requestCount()).isEqualTo(2);
        assertThat(w.outcome(VerifyClientOutcome.CACHE_HIT_ALLOWED)).isEqualTo(1);
        assertThat(w.outcome(VerifyClientOutcome.CACHE_HIT_DENIED)).isEqualTo(1);
    }

    @Test
    @DisplayName("cache: an answer is reused just before its TTL ends and the controller asked again at the TTL")
    void cachedAnswerExpiresAtTheTtl() throws Exception {
        final VerifyClientUrl w = webhook(true);
        final NodeKey key = newKey();
        assertThat(ask(w, key)).isTrue();
        nowNs.set(AdmissionAnswerCache.DEFAULT_TTL_NS - 1);
        assertThat(ask(w, key)).isTrue();
        assertThat(controller.requestCount()).isEqualTo(1);
        nowNs.set(AdmissionAnswerCache.DEFAULT_TTL_NS);
        assertThat(ask(w, key)).isTrue();
        assertThat(controller.requestCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("cache: keyed by source too, since the controller may decide on it")
    void cacheIsPerSource() throws Exception {
        final VerifyClientUrl w = webhook(true);
        final NodeKey key = newKey();
        assertThat(ask(w, key)).isTrue();
        assertThat(await(w.admit(key, InetAddress.getByName("127.0.0.2")))).isTrue();
        assertThat(controller.requestCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("cache: errors and fail-open admissions are not cached; a controller that recovers is asked at once")
    void failuresAreNotCached() throws Exception {
        final VerifyClientUrl w = webhook(true);
        final NodeKey key = newKey();
        controller.reply(Reply.status(503));
        assertThat(ask(w, key)).isFalse();
        controller.reply(Reply.json(ALLOW));
        assertThat(ask(w, key)).isTrue();
        assertThat(controller.requestCount()).isEqualTo(2);
        assertThat(w.outcome(VerifyClientOutcome.CACHE_HIT_ALLOWED) + w.outcome(VerifyClientOutcome.CACHE_HIT_DENIED))
            .isZero();
    }

    private List<CompletionStage<Boolean>> holdRequests(final VerifyClientUrl w, final int n) {
        controller.reply(Reply.HANG);
        final List<CompletionStage<Boolean>> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(w.admit(newKey(), SOURCE));
        }
        awaitTrue("requests held at the controller", () -> controller.requestCount() == n, WAIT);
        return held;
    }

    @Test
    @DisplayName("in-flight cap: below and at the cap the controller is asked; above it, fail-open admits unasked")
    void overTheCapFailOpenAdmitsWithoutAsking() throws Exception {
        final int cap = 2;
        final VerifyClientUrl w = webhook(controller.url(), true, cap, HELD_TIMEOUT_NS);
        final List<CompletionStage<Boolean>> held = holdRequests(w, cap);
        assertThat(w.inFlight()).isEqualTo(cap);
        assertThat(ask(w, newKey())).isTrue();
        assertThat(w.outcome(VerifyClientOutcome.OVER_CAPACITY_FAIL_OPEN)).isEqualTo(1);
        assertThat(controller.requestCount()).isEqualTo(cap);
        controller.reply(Reply.json(ALLOW));
        controller.release();
        for (final CompletionStage<Boolean> h : held) {
            assertThat(await(h)).isTrue();
        }
        assertThat(w.inFlight()).isZero();
        assertThat(ask(w, newKey())).isTrue(); // slots freed: asked again
        assertThat(controller.requestCount()).isEqualTo(cap + 1);
    }

    @Test
    @DisplayName("in-flight cap: above it, fail-closed refuses unasked")
    void overTheCapFailClosedRefusesWithoutAsking() throws Exception {
        final VerifyClientUrl w = webhook(controller.url(), false, 1, HELD_TIMEOUT_NS);
        holdRequests(w, 1);
        assertThat(ask(w, newKey())).isFalse();
        assertThat(w.outcome(VerifyClientOutcome.OVER_CAPACITY_FAIL_CLOSED)).isEqualTo(1);
        assertThat(controller.requestCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("close() ends the webhook's threads")
    void closeEndsTheThreads() throws Exception {
        final VerifyClientUrl w = webhook(true);
        assertThat(ask(w, newKey())).isTrue();
        assertThat(webhookThreads()).isPositive();
        webhooks.forEach(VerifyClientUrl::close);
        awaitTrue("no webhook thread alive", () -> webhookThreads() == 0, WAIT);
    }

    private static long webhookThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith(VerifyClientUrl.THREAD_NAME_PREFIX)).count();
    }

    @Test
    @DisplayName("admit returns at once with the answer pending: the event loop never waits on the controller")
    void admitDoesNotWaitForTheController() {
        final VerifyClientUrl w = webhook(controller.url(), true, 1, HELD_TIMEOUT_NS);
        final List<CompletionStage<Boolean>> held = holdRequests(w, 1);
        assertThat(held.get(0).toCompletableFuture()).isNotDone();
    }
}
