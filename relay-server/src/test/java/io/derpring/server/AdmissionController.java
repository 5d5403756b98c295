package io.derpring.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An admission controller for tests: the JDK's HTTP server on 127.0.0.1, port 0, answering each request as the test
 * set it, recording what it received. {@link Reply#HANG} holds requests until {@link #release()} or {@link #close()},
 * then answers them with the reply set by then (a 200 with no body if that is still HANG).
 */
final class AdmissionController implements AutoCloseable {
    /** How to answer. */
    record Reply(int status, String body, Mode mode) {
        enum Mode { ANSWER, HANG, STALL_BODY }

        static final Reply HANG = new Reply(0, "", Mode.HANG);

        static Reply json(final String body) {
            return new Reply(200, body, Mode.ANSWER);
        }

        static Reply status(final int status) {
            return new Reply(status, "", Mode.ANSWER);
        }

        /** A status announcing {@code body}'s length, sending its first byte, then nothing until released. */
        static Reply stalledBody(final int status, final String body) {
            return new Reply(status, body, Mode.STALL_BODY);
        }
    }

    /** One request as received. */
    record Request(String method, String contentType, String body) {
    }

    private static final long HOLD_LIMIT_S = 60; // a held request ends by itself even if a test forgets to release

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Reply reply = Reply.json("{\"Allow\":true}");

    AdmissionController() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/verify");
    }

    void reply(final Reply r) {
        reply = r;
    }

    /** Requests received so far (counted when their body has been read). */
    int requestCount() {
        return requestCount.get();
    }

    /** The next request received, waiting up to {@code timeoutMs}; null if none came. */
    Request nextRequest(final long timeoutMs) throws InterruptedException {
        return requests.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Lets every held request (and every later one) go on. */
    void release() {
        released.countDown();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        Reply r = reply;
        try (exchange) {
            final String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
                body));
            requestCount.incrementAndGet();
            if (r.mode() == Reply.Mode.HANG) {
                hold();
                r = reply; // what the test set before releasing
                if (r.mode() == Reply.Mode.HANG) {
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
            }
            final byte[] bytes = r.body().getBytes(UTF_8);
            exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
            final OutputStream out = exchange.getResponseBody();
            if (r.mode() == Reply.Mode.STALL_BODY) {
                out.write(bytes, 0, 1);
                out.flush();
                hold();
                return;
            }
            out.write(bytes);
        }
    }

    private void hold() {
        try {
            released.await(HOLD_LIMIT_S, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
