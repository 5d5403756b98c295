package io.derpring.internal.disco;

import io.derpring.disco.EndpointList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A fixed-capacity endpoint list: appends report whether they fit, reads outside the list are refused. */
class EndpointListTest {
    private static final int ADDRESS = 0xC6336410; // 198.51.100.16

    @Test
    void appendsSucceedUpToTheCapacityThenFailWithoutChange() {
        final EndpointList list = new EndpointList(2);
        assertThat(list.capacity()).isEqualTo(2);
        assertThat(list.addIpv4(ADDRESS, 1)).isTrue();
        assertThat(list.addIpv6(0x20010db800000000L, 0x20L, 2)).isTrue();
        assertThat(list.addIpv4(ADDRESS, 3)).isFalse();
        assertThat(list.addIpv6(1L, 2L, 4)).isFalse();
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.port(1)).isEqualTo(2);
    }

    @Test
    void addFromAppendsTheWireEndpointAndReportsAFullList() {
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[EndpointFlyweight.EP_LENGTH]);
        EndpointFlyweight.putIpv4(wire, 0, ADDRESS, 41641);
        final EndpointList list = new EndpointList(1);
        assertThat(list.addFrom(wire, 0)).isTrue();
        assertThat(list.isIpv4(0)).isTrue();
        assertThat(list.ipv4AsInt(0)).isEqualTo(ADDRESS);
        assertThat(list.addFrom(wire, 0)).isFalse();
        assertThat(list.size()).isEqualTo(1);
    }

    @Test
    void readingAtOrPastTheSizeOrBelowZeroIsRefused() {
        final EndpointList list = new EndpointList(4);
        list.addIpv4(ADDRESS, 1);
        assertThat(list.port(0)).isEqualTo(1);
        assertThatThrownBy(() -> list.port(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..0");
        assertThatThrownBy(() -> list.port(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
