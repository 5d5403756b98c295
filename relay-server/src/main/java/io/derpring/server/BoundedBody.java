package io.derpring.server;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An HTTP response body kept up to a limit; what follows is not read and the exchange is cancelled, as Go's
 * {@code io.LimitReader} stops reading. The JDK's {@code ofByteArray} would buffer a body of any size. Its
 * {@link #cancel} also aborts a body that stalls, so a timed-out exchange does not keep its connection.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody> {
    private final byte[] bytes;
    private final CompletableFuture<BoundedBody> done = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private int length;

    BoundedBody(final int limitBytes) {
        bytes = new byte[limitBytes];
    }

    /** The bytes kept: {@code bytes()[0..length())}. */
    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Stops reading (a stalled body, a timed-out exchange); the body completes with what it has. */
    void cancel() {
        final Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        done.complete(this);
    }

    @Override
    public CompletionStage<BoundedBody> getBody() {
        return done;
    }

    @Override
    public void onSubscribe(final Flow.Subscription s) {
        subscription = s;
        if (bytes.length == 0) {
            cancel(); // nothing wanted: complete at once, without waiting for the body
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(final List<ByteBuffer> buffers) {
        for (final ByteBuffer b : buffers) {
            final int n = Math.min(b.remaining(), bytes.length - length);
            b.get(bytes, length, n);
            length += n;
        }
        if (length == bytes.length) {
            cancel();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(final Throwable error) {
        done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        done.complete(this);
    }
}
