package io.derpring.loadgen.fault;

import java.util.Locale;

import io.derpring.runtime.InvalidConfigException;

/** The faults a soak injects, each named as {@code --fault-schedule} spells it. */
public enum Fault {
    /** Every proxied connection is cut in the middle of a DERP frame and closed with RST (SO_LINGER 0). */
    RESET("reset"),
    /** Every proxied connection goes silent both ways with its sockets open; the clients' keepalive deadline ends it. */
    HALF_OPEN("halfopen"),
    /** The relay stops and a new one starts on another port; the proxy keeps its address and retargets. */
    RESTART("restart"),
    /** Relay-to-client bytes are throttled to a trickle for a while. */
    SLOW_READER("slow-reader"),
    /** The receivers' dataplanes stall, so their inbound rings fill and their connections pause reading. */
    SLOW_DATAPLANE("slow-dataplane");

    private final String cliName;

    Fault(final String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Fault fromCliName(final String name) {
        final String n = name.trim().toLowerCase(Locale.ROOT);
        for (final Fault f : values()) {
            if (f.cliName.equals(n)) {
                return f;
            }
        }
        throw new InvalidConfigException("unknown fault '" + name + "': use reset, halfopen, restart, slow-reader or "
            + "slow-dataplane");
    }
}
