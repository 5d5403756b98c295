package io.derpring.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.keys.NodeKey;
import io.derpring.relay.ClientAdmission;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * derper's {@code --verify-client-url} (Go {@code derpserver.verifyClient}, SPEC §3.8): for each new non-mesh client,
 * POST {@code {"NodePublic":"nodekey:…","Source":"<ip>"}} to the admission controller; only a 200 whose JSON has
 * {@code "Allow":true} admits. Fail-open (derper's default) covers only a controller that cannot be reached or does
 * not answer within the timeout; a non-200 status, a bad body or {@code "Allow":false} refuses either way. Mesh peers
 * never get here ({@code RelaySession} admits them first).
 *
 * <p>Bounded: a fresh cached answer for the same key and source is used without asking ({@link AdmissionAnswerCache});
 * at most {@code maxInFlight} requests wait on the controller, and a client over that cap is decided by the fail-open
 * flag without asking, as if the controller were down (one flag, one meaning: "the controller could not answer").
 *
 * <p>Threads: {@link #admit} runs on the event loop and only looks up the cache and starts the exchange on this
 * object's own threads (DNS and connection set-up included); the answer completes there, never on the loop. The
 * handshake deadline still applies on top of the timeout. Each outcome is counted ({@link VerifyClientOutcome});
 * keys are never logged, and transport errors are logged once per kind.
 */
final class VerifyClientUrl implements ClientAdmission, AutoCloseable {
    /** derpserver.go verifyClient: {@code context.WithTimeout(ctx, 5*time.Second)}. */
    static final long DEFAULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    /** derpserver.go verifyClient reads the answer through {@code io.LimitReader(res.Body, 4<<10)}. */
    static final int MAX_ANSWER_BYTES = 4 << 10;
    /**
     * derpring's (Go has no cap): requests waiting on the controller at once. At the default 5 s timeout a dead-slow
     * controller still passes 50 handshakes a second through the cap; a healthy one answering in 10 ms, 25 000.
     */
    static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /** Largest cap accepted: each in-flight request may hold a connection to the controller. */
    static final int MAX_IN_FLIGHT_LIMIT = 1 << 16;

    /** The webhook's own threads (requests, DNS, connection set-up, answers): never an event loop. */
    static final String THREAD_NAME_PREFIX = "derp-verify-client-";

    private static final Logger LOG = LoggerFactory.getLogger(VerifyClientUrl.class);
    private static final int HTTP_OK = 200;
    private static final CompletionStage<Boolean> ADMIT = CompletableFuture.completedStage(Boolean.TRUE);
    private static final CompletionStage<Boolean> REFUSE = CompletableFuture.completedStage(Boolean.FALSE);

    private final URI url;
    private final boolean failOpen;
    private final long timeoutNs;
    private final Duration timeout;
    private final int maxInFlight;
    private final AdmissionAnswerCache cache;
    private final NanoClock clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counters<VerifyClientOutcome> outcomes = new Counters<>(VerifyClientOutcome.class);
    private final DistinctErrorLog errors = new DistinctErrorLog(LOG);
    private final ExecutorService executor;
    private final HttpClient http;

    VerifyClientUrl(final URI url, final boolean failOpen, final long timeoutNs, final int maxInFlight,
                    final AdmissionAnswerCache cache, final NanoClock clock) {
        this.url = url;
        this.failOpen = failOpen;
        this.timeoutNs = timeoutNs;
        this.timeout = Duration.ofNanos(timeoutNs);
        this.maxInFlight = maxInFlight;
        this.cache = cache;
        this.clock = clock;
        this.executor = Executors.newCachedThreadPool(daemonThreads());
        // HTTP/1.1 as Go's client speaks to an http:// URL (the JDK would otherwise offer an h2c upgrade); redirects
        // followed as Go's http.DefaultClient does.
        this.http = HttpClient.newBuilder().executor(executor).version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
    }

    private static ThreadFactory daemonThreads() {
        final AtomicInteger n = new AtomicInteger();
        return r -> {
            final Thread t = new Thread(r, THREAD_NAME_PREFIX + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public CompletionStage<Boolean> admit(final NodeKey key, final InetAddress source) {
        final Boolean cached = cache.get(key, source, clock.nanoTime());
        if (cached != null) {
            return decided(cached ? VerifyClientOutcome.CACHE_HIT_ALLOWED : VerifyClientOutcome.CACHE_HIT_DENIED,
                cached);
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return unanswered(VerifyClientOutcome.OVER_CAPACITY_FAIL_OPEN, VerifyClientOutcome.OVER_CAPACITY_FAIL_CLOSED);
        }
        final Exchange exchange = new Exchange(key, source);
        try {
            executor.execute(exchange);
        } catch (final RejectedExecutionException closing) {
            inFlight.decrementAndGet();
            return unanswered(VerifyClientOutcome.TRANSPORT_ERROR_FAIL_OPEN,
                VerifyClientOutcome.TRANSPORT_ERROR_FAIL_CLOSED);
        }
        return exchange.result;
    }

    /** Count of one outcome. */
    long outcome(final VerifyClientOutcome o) {
        return outcomes.get(o);
    }

    /** Requests waiting on the controller now. */
    int inFlight() {
        return inFlight.get();
    }

    /** Stops the webhook's threads; exchanges still open end as transport errors. Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private CompletionStage<Boolean> decided(final VerifyClientOutcome outcome, final boolean admit) {
        outcomes.increment(outcome);
        return admit ? ADMIT : REFUSE;
    }

    /** The controller gave no answer: the fail-open flag decides. */
    private CompletionStage<Boolean> unanswered(final VerifyClientOutcome ifOpen, final VerifyClientOutcome ifClosed) {
        return decided(failOpen ? ifOpen : ifClosed, failOpen);
    }

    private static Throwable unwrap(final Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** One request to the controller, started on the webhook's own threads. */
    private final class Exchange implements Runnable {
        private final NodeKey key;
        private final InetAddress source;
        private final CompletableFuture<Boolean> result = new CompletableFuture<>();
        /** Set when the headers arrived: a failure after that is the body's, never the transport's. */
        private volatile BoundedBody body;
        private volatile int status;

        Exchange(final NodeKey key, final InetAddress source) {
            this.key = key;
            this.source = source;
        }

        @Override
        public void run() {
            final HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(AdmitClientJson.request(key, source))).build();
            final CompletableFuture<HttpResponse<BoundedBody>> sent;
            try {
                sent = http.sendAsync(request, this::onHeaders);
            } catch (final RuntimeException e) {
                finish(null, e);
                return;
            }
            // The request timeout stops waiting for headers; this one also bounds a 200 whose body stalls.
            sent.orTimeout(timeoutNs, TimeUnit.NANOSECONDS).whenComplete(this::finish);
        }

        /** Go reads no body after a non-200 (it only closes it), so neither does this: a limit of 0 bytes. */
        private HttpResponse.BodySubscriber<BoundedBody> onHeaders(final HttpResponse.ResponseInfo info) {
            status = info.statusCode();
            final BoundedBody b = new BoundedBody(status == HTTP_OK ? MAX_ANSWER_BYTES : 0);
            body = b;
            return b;
        }

        private void finish(final HttpResponse<BoundedBody> response, final Throwable failure) {
            final boolean admit = decide(response, failure);
            inFlight.decrementAndGet(); // before completing: the next handshake sees the slot free
            result.complete(admit);
        }

        private boolean decide(final HttpResponse<BoundedBody> response, final Throwable failure) {
            if (failure != null) {
                final BoundedBody started = body;
                if (started != null) { // the controller answered; its body then failed or stalled
                    started.cancel();
                    return count(status == HTTP_OK ? VerifyClientOutcome.BODY_ERROR : VerifyClientOutcome.HTTP_ERROR,
                        false);
                }
                final Throwable cause = unwrap(failure);
                if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
                    return count(failOpen ? VerifyClientOutcome.TIMEOUT_FAIL_OPEN : VerifyClientOutcome.TIMEOUT_FAIL_CLOSED,
                        failOpen);
                }
                errors.record("admission webhook request", cause);
                return count(failOpen ? VerifyClientOutcome.TRANSPORT_ERROR_FAIL_OPEN
                    : VerifyClientOutcome.TRANSPORT_ERROR_FAIL_CLOSED, failOpen);
            }
            if (response.statusCode() != HTTP_OK) {
                return count(VerifyClientOutcome.HTTP_ERROR, false);
            }
            final BoundedBody b = response.body();
            switch (AdmitClientJson.answer(b.bytes(), b.length())) {
                case ALLOW:
                    cache.put(key, source, true, clock.nanoTime());
                    return count(VerifyClientOutcome.ALLOWED, true);
                case DENY:
                    cache.put(key, source, false, clock.nanoTime());
                    return count(VerifyClientOutcome.DENIED, false);
                default:
                    return count(VerifyClientOutcome.BAD_JSON, false);
            }
        }

        private boolean count(final VerifyClientOutcome outcome, final boolean admit) {
            outcomes.increment(outcome);
            return admit;
        }
    }
}
