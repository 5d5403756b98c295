package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameError;
import io.derpring.transport.internal.client.DerpConnectionException;
import io.derpring.transport.internal.client.DerpConnectionException.Failure;
import org.junit.jupiter.api.Test;

class ConnectionEventsTest {
    private final List<String> announced = new ArrayList<>();
    private final ConnectionEvents events = new ConnectionEvents(announced::add);

    private static DerpConnectionException failure(final Failure f) {
        return new DerpConnectionException(f, "relay 127.0.0.1:1 " + f);
    }

    @Test
    void reasonIsTheTransportsFailureOrTheProtocolsFrameErrorInLowerCase() {
        assertThat(ConnectionEvents.reason(failure(Failure.CLOSED_BY_SERVER))).isEqualTo("closed_by_server");
        assertThat(ConnectionEvents.reason(new DerpProtocolException(FrameError.CLIENT_FRAME_TOO_LARGE, 5, 1 << 30)))
            .isEqualTo("client_frame_too_large");
        assertThat(ConnectionEvents.reason(new IOException("Connection reset by peer"))).isEqualTo("IOException");
    }

    @Test
    void eachDistinctReasonIsAnnouncedOnceAndEveryCloseIsCounted() {
        for (int i = 0; i < 3; i++) {
            final ConnectionEvents.Link link = events.place().link();
            link.connected();
            link.closed(failure(Failure.CLOSED_BY_SERVER));
        }
        final ConnectionEvents.Link stalled = events.place().link();
        stalled.connected();
        stalled.closed(failure(Failure.KEEPALIVE_TIMEOUT));
        assertThat(events.disconnects()).isEqualTo(Map.of("closed_by_server", 3L, "keepalive_timeout", 1L));
        assertThat(announced).hasSize(2);
        assertThat(announced.get(0)).contains("closed_by_server", "relay 127.0.0.1:1");
        assertThat(announced.get(1)).contains("keepalive_timeout");
    }

    @Test
    void aCloseWeAskedForIsCountedButNeitherAnnouncedNorALoss() {
        final ConnectionEvents.Place place = events.place();
        final ConnectionEvents.Link first = place.link();
        first.connected();
        first.closed(null); // an engine's idle close
        final ConnectionEvents.Link woken = place.link();
        woken.connected();
        assertThat(events.disconnects()).isEqualTo(Map.of(ConnectionEvents.CLOSED_LOCALLY, 1L));
        assertThat(announced).isEmpty();
        assertThat(events.reconnects()).as("a wake after an idle close is not a reconnect").isZero();
    }

    @Test
    void aConnectAfterALostConnectionToTheSamePlaceIsAReconnect() {
        final ConnectionEvents.Place place = events.place();
        final ConnectionEvents.Link first = place.link();
        first.connected();
        first.connected(); // a resent ServerInfo is still one connect
        assertThat(events.reconnects()).isZero();
        first.closed(failure(Failure.CLOSED_BY_SERVER));
        place.link().connected();
        assertThat(events.reconnects()).isOne();
        events.place().link().connected();
        assertThat(events.reconnects()).as("another node's first connect").isOne();
    }

    @Test
    void aFailureBeforeServerInfoIsAConnectFailureAndItsRetryAReconnect() {
        final ConnectionEvents.Place place = events.place();
        place.link().closed(failure(Failure.DIAL_FAILED));
        place.link().connected();
        assertThat(events.connectFailures()).isEqualTo(Map.of("dial_failed", 1L));
        assertThat(events.disconnects()).isEmpty();
        assertThat(events.reconnects()).isOne();
        assertThat(announced).singleElement().asString().startsWith("connection failed: dial_failed");
    }
}
