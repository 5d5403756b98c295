/**
 * Fault injection for the soak behind {@code derpring loadgen --fault-proxy}: a loopback TCP proxy between the DERP
 * clients and the relay ({@link io.derpring.loadgen.fault.FaultProxy}: one port for the whole run, retargeted when the
 * relay restarts) that resets connections mid-frame, freezes them half-open and throttles relay-to-client bytes; the
 * schedule of faults ({@link io.derpring.loadgen.fault.FaultSchedule}); the clients' deadline clock that a half-open
 * fault moves past the keepalive deadline ({@link io.derpring.loadgen.fault.InjectedClock}); and the receivers'
 * dataplane stall that fills their inbound rings ({@link io.derpring.loadgen.fault.DataplaneStall}). Loopback only,
 * bounded in connections and buffered bytes.
 */
package io.derpring.loadgen.fault;
