package io.derpring.internal.relay;

import io.derpring.relay.AdmissionDecision;
import io.derpring.relay.ClientAdmission;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.DistinctErrorLog;
import org.slf4j.LoggerFactory;

/**
 * Every admission check of the relay, combined as AND (SPEC §3.8): the allow-list first (a set lookup, answered at
 * once), then each {@link ClientAdmission} in order, each asked only if everything before it admitted. The first
 * refusal decides, with its reason. {@link #decide} never throws and its stage never completes exceptionally: a
 * callback's failure is the {@link AdmissionDecision#CALLBACK_ERROR} outcome, and each distinct failure is logged
 * once (then counted), so an embedder can see why its check fails without a log line per handshake. Any thread.
 */
public final class AdmissionChain {
    private static final CompletableFuture<AdmissionDecision> ADMITTED =
        CompletableFuture.completedFuture(AdmissionDecision.ADMITTED);
    private static final CompletableFuture<AdmissionDecision> NOT_ALLOWED =
        CompletableFuture.completedFuture(AdmissionDecision.NOT_ALLOWED_LIST);

    private static final String WHERE = "client admission callback";

    private final Predicate<NodeKey> allowList;
    private final List<ClientAdmission> callbacks;
    private final DistinctErrorLog errors = new DistinctErrorLog(LoggerFactory.getLogger(AdmissionChain.class));

    /**
     * @param allowList keys allowed to connect (read at each decision, so a reloaded list applies to the next
     *                  handshake), or null for no list
     * @param callbacks asked in order after the list; may be empty
     */
    public AdmissionChain(final Predicate<NodeKey> allowList, final List<ClientAdmission> callbacks) {
        this.allowList = allowList;
        this.callbacks = List.copyOf(callbacks);
    }

    /** Distinct callback failures seen (each logged once); for tests and gauges. */
    public long callbackFailures() {
        return errors.total();
    }

    /** The decision for {@code key} from {@code source} (null when unknown); allocates once per handshake. */
    public CompletionStage<AdmissionDecision> decide(final NodeKey key, final InetAddress source) {
        if (allowList != null && !allowList.test(key)) {
            return NOT_ALLOWED;
        }
        return ask(0, key, source);
    }

    private CompletionStage<AdmissionDecision> ask(final int index, final NodeKey key, final InetAddress source) {
        if (index == callbacks.size()) {
            return ADMITTED;
        }
        final CompletionStage<Boolean> answer;
        try {
            answer = callbacks.get(index).admit(key, source);
        } catch (final VirtualMachineError fatal) {
            throw fatal;
        } catch (final Throwable e) {
            // An Error from the embedder's code (an assertion, a linkage error) too: it runs on the event loop, where
            // it would otherwise close the connection as an I/O failure instead of counting a callback error.
            errors.record(WHERE, e);
            return CompletableFuture.completedFuture(AdmissionDecision.CALLBACK_ERROR);
        }
        if (answer == null) {
            return CompletableFuture.completedFuture(AdmissionDecision.CALLBACK_ERROR);
        }
        return answer.handle((allowed, failure) -> {
            if (failure != null) {
                errors.record(WHERE, failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure);
            }
            if (failure != null || allowed == null) {
                return CompletableFuture.completedFuture(AdmissionDecision.CALLBACK_ERROR);
            }
            return allowed ? ask(index + 1, key, source) : CompletableFuture.completedFuture(AdmissionDecision.CALLBACK_REFUSED);
        }).thenCompose(next -> next);
    }
}
