package io.derpring.relay;

import io.derpring.internal.metrics.CounterDescriptor;

/**
 * The outcome of admission for one connection, counted when any admission check (allow-list, callback) is configured;
 * metric {@code derp_admissions_total{decision}}.
 */
public enum AdmissionDecision implements CounterDescriptor {
    ADMITTED(1, "admitted"),
    /** The node key is not in the allow-list file. */
    NOT_ALLOWED_LIST(2, "not_allowed_list"),
    /** A {@link ClientAdmission} answered false. */
    CALLBACK_REFUSED(3, "callback_refused"),
    /** A {@link ClientAdmission} threw, completed exceptionally or completed with null. */
    CALLBACK_ERROR(4, "callback_error"),
    /** A {@link ClientAdmission} had not answered by the handshake deadline. */
    CALLBACK_TIMEOUT(5, "callback_timeout"),
    /**
     * The client presented the mesh key: admitted without asking the allow-list or any callback (SPEC §3.8), so an
     * operator can tell the checks were skipped, not passed.
     */
    MESH_PEER(6, "mesh_peer");

    private final int id;
    private final String label;

    AdmissionDecision(final int id, final String label) {
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
