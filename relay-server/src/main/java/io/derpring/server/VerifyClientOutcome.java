package io.derpring.server;

import io.derpring.internal.metrics.CounterDescriptor;

/**
 * What the admission webhook ({@code --verify-client-url}, Go {@code derpserver.verifyClient}) decided for one client;
 * metric {@code derp_verify_client_url_total{outcome}}. Every non-mesh handshake that reaches the webhook counts exactly
 * once. Only a controller that cannot be reached, or does not answer in time, lets the fail-open flag decide; an answer
 * that is not a 200 with {@code {"Allow":true}} refuses regardless, as in Go.
 */
public enum VerifyClientOutcome implements CounterDescriptor {
    /** A 200 answer with {@code "Allow":true}. */
    ALLOWED(1, "allowed"),
    /** A 200 answer whose {@code Allow} is false, missing or {@code null} (Go's zero value). */
    DENIED(2, "denied"),
    /** Any status but 200: refused, even with fail-open. */
    HTTP_ERROR(3, "http_error"),
    /** A 200 whose body (its first 4 KiB) is not a JSON object with a boolean {@code Allow}: refused, even with fail-open. */
    BAD_JSON(4, "bad_json"),
    /**
     * A 200 whose body failed or stalled past the timeout: refused, even with fail-open, as Go's JSON decoder fails on
     * the cut body.
     */
    BODY_ERROR(5, "body_error"),
    /** No answer within the timeout; admitted (fail-open). */
    TIMEOUT_FAIL_OPEN(6, "timeout_fail_open"),
    /** No answer within the timeout; refused (fail-closed). */
    TIMEOUT_FAIL_CLOSED(7, "timeout_fail_closed"),
    /** The request could not be made (connection refused, reset, DNS, TLS); admitted (fail-open). */
    TRANSPORT_ERROR_FAIL_OPEN(8, "transport_error_fail_open"),
    /** The request could not be made; refused (fail-closed). */
    TRANSPORT_ERROR_FAIL_CLOSED(9, "transport_error_fail_closed"),
    /**
     * The in-flight cap was reached, so the controller was not asked; admitted (fail-open): a controller too slow to
     * keep up is treated like one that is down.
     */
    OVER_CAPACITY_FAIL_OPEN(10, "over_capacity_fail_open"),
    /** The in-flight cap was reached, so the controller was not asked; refused (fail-closed). */
    OVER_CAPACITY_FAIL_CLOSED(11, "over_capacity_fail_closed"),
    /** A cached "Allow":true for this key and source, still fresh: admitted without asking. */
    CACHE_HIT_ALLOWED(12, "cache_hit_allowed"),
    /** A cached refusal ("Allow" not true) for this key and source, still fresh: refused without asking. */
    CACHE_HIT_DENIED(13, "cache_hit_denied"),
    /** The client presented the mesh key: admitted without asking (SPEC §3.8, Go {@code isMeshPeer}). */
    MESH_SKIPPED(14, "mesh_skipped");

    private final int id;
    private final String label;

    VerifyClientOutcome(final int id, final String label) {
        this.id = id;
        this.label = label;
    }

    @Override
    public int id() {
        return id;
    }

    /** The metric label value. */
    @Override
    public String label() {
        return label;
    }
}
