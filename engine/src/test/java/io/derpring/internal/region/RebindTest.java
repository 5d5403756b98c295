package io.derpring.internal.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;

import io.derpring.region.RegionState;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5.11 rebind (Go {@code maybeCloseDERPsOnRebind}): connections whose local address is no longer valid close
 * and home reconnects at once; the rest are pinged and closed when no Pong comes within
 * {@link RegionConductor#REBIND_PING_TIMEOUT}. Fake clock and dialer.
 */
class RebindTest {
    private static final long PING_TIMEOUT_MS = RegionConductor.REBIND_PING_TIMEOUT.toMillis();

    private final RegionHarness h = new RegionHarness();
    private final InetAddress wifi = address(10, 0, 0, 7);
    private final InetAddress lte = address(100, 64, 1, 2);

    private static InetAddress address(final int a, final int b, final int c, final int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (final java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private RegionHarness.FakeLink connectHome(final InetAddress local) {
        h.conductor.updateDerpMap(RegionHarness.map(2));
        h.conductor.selectHome(900);
        h.work();
        final RegionHarness.FakeLink link = h.dialer.last(900);
        link.localAddress = local;
        link.connect();
        h.work();
        return link;
    }

    private long count(final RegionCounter c) {
        return h.conductor.counters().get(c);
    }

    @Test
    void theRebindPingTimeoutIsThreeSeconds() {
        assertThat(RegionConductor.REBIND_PING_TIMEOUT).hasSeconds(3);
    }

    @Test
    void aHomeConnectionOnAVanishedAddressClosesAndRedialsAtOnce() {
        final RegionHarness.FakeLink home = connectHome(wifi);

        h.conductor.rebind(Set.of(lte));
        h.work();

        assertThat(home.closed).isTrue();
        assertThat(h.dialer.to(900)).as("redialed in the same duty cycle, no backoff").hasSize(2);
        assertThat(h.status(900).state()).isEqualTo(RegionState.CONNECTING);
        assertThat(count(RegionCounter.REBIND_CLOSES)).isEqualTo(1);
        assertThat(count(RegionCounter.RECONNECTS)).as("not a backoff retry").isZero();
        assertThat(home.pings).isEmpty();
    }

    @Test
    void aConnectionWithoutAKnownLocalAddressIsClosed() {
        final RegionHarness.FakeLink home = connectHome(null);
        h.conductor.rebind(Set.of(wifi));
        h.work();
        assertThat(home.closed).isTrue();
        assertThat(count(RegionCounter.REBIND_CLOSES)).isEqualTo(1);
    }

    @Test
    void aNonHomeConnectionOnAVanishedAddressClosesAndWaitsForTraffic() {
        connectHome(lte);
        h.router.send(h.peerHomedOn901, RegionHarness.packet(10, 1), 0, 10);
        h.work();
        final RegionHarness.FakeLink other = h.dialer.last(901);
        other.localAddress = wifi;
        other.connect();
        h.work();

        h.conductor.rebind(Set.of(lte));
        h.work();
        h.work();

        assertThat(other.closed).isTrue();
        assertThat(h.status(901).state()).isEqualTo(RegionState.DORMANT);
        assertThat(h.dialer.to(901)).hasSize(1);
    }

    @Test
    void aConnectionOnAValidAddressIsPingedAndKeptWhenThePongComes() {
        final RegionHarness.FakeLink home = connectHome(wifi);
        h.conductor.rebind(Set.of(wifi, lte));
        h.work();
        assertThat(home.pings).hasSize(1);

        home.listener.onPong(home.pings.get(0));
        h.work();
        h.advanceMillis(10 * PING_TIMEOUT_MS);
        h.work();

        assertThat(home.closed).isFalse();
        assertThat(count(RegionCounter.REBIND_PINGS_ANSWERED)).isEqualTo(1);
        assertThat(count(RegionCounter.REBIND_PING_TIMEOUTS)).isZero();
    }

    @Test
    void noPongJustUnderTheTimeoutKeepsTheConnection() {
        final RegionHarness.FakeLink home = connectHome(wifi);
        h.conductor.rebind(Set.of(wifi));
        h.work();
        h.advanceMillis(PING_TIMEOUT_MS);
        h.nowNs -= 1;
        h.work();
        assertThat(home.closed).isFalse();
    }

    @Test
    void noPongByTheTimeoutClosesAndHomeRedialsAtOnce() {
        final RegionHarness.FakeLink home = connectHome(wifi);
        h.conductor.rebind(Set.of(wifi));
        h.work();
        h.advanceMillis(PING_TIMEOUT_MS);
        h.work();

        assertThat(home.closed).isTrue();
        assertThat(h.dialer.to(900)).hasSize(2);
        assertThat(count(RegionCounter.REBIND_PING_TIMEOUTS)).isEqualTo(1);
        assertThat(count(RegionCounter.RECONNECTS)).isZero();
    }

    @Test
    void aPongWithOtherDataDoesNotCountAndIsNotQueued() {
        final RegionHarness.FakeLink home = connectHome(wifi);
        h.conductor.rebind(Set.of(wifi));
        h.work();
        for (int i = 0; i < 1_000; i++) {
            home.listener.onPong(home.pings.get(0) + 1 + i); // a relay's unsolicited Pongs
        }
        assertThat(h.conductor.queuedCommands()).isZero();

        h.advanceMillis(PING_TIMEOUT_MS);
        h.work();
        assertThat(home.closed).isTrue();
    }

    @Test
    void aRegionClosedBeforeThePongDeadlineIsNotClosedAgainLater() {
        final RegionHarness.FakeLink home = connectHome(wifi);
        h.conductor.rebind(Set.of(wifi));
        h.work();
        home.fail("reset");
        h.work();
        h.advanceMillis(10);
        h.work();
        final RegionHarness.FakeLink next = h.dialer.last(900);
        next.connect();
        h.work();

        h.advanceMillis(PING_TIMEOUT_MS);
        h.work();

        assertThat(next.closed).as("the old connection's ping does not follow the new one").isFalse();
        assertThat(count(RegionCounter.REBIND_PING_TIMEOUTS)).isZero();
    }

    @Test
    void dormantRegionsAreLeftAlone() {
        connectHome(wifi);
        h.conductor.rebind(Set.of());
        h.work();
        assertThat(h.dialer.to(901)).isEmpty();
        assertThat(h.status(901).state()).isEqualTo(RegionState.DORMANT);
        assertThat(count(RegionCounter.REBINDS)).isEqualTo(1);
    }
}
