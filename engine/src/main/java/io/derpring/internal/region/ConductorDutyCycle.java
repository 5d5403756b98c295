package io.derpring.internal.region;

import org.agrona.concurrent.CompositeAgent;

/**
 * The conductor thread's agent: the regions' duty cycle, then the connect waiters' deadlines, so both stay on the one
 * thread that owns region state. Named for the regions: the role name is the thread's name ({@code derpring-regions}).
 */
public final class ConductorDutyCycle extends CompositeAgent {
    private final String roleName;

    public ConductorDutyCycle(final RegionConductor regions, final ConnectWaiters waiters) {
        super(regions, waiters);
        this.roleName = regions.roleName();
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
