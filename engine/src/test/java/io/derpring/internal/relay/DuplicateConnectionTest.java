package io.derpring.internal.relay;

import io.derpring.relay.DuplicatePolicy;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §3.5: several connections for one key. */
class DuplicateConnectionTest {
    private final NodeKey key = NodePrivateKey.generate().publicKey();

    @Test
    @DisplayName("B32: a second connection with the same key becomes active; packets go only to it; when it closes the first is active again")
    void newestConnectionIsActiveAndTheFirstReturns() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer first = bed.connect(0, key);
        final Peer second = bed.connect(1, key);
        final Peer sender = bed.connect(0);
        assertThat(first.client.isDuplicate()).isTrue();
        assertThat(second.client.isActive()).isTrue();
        sender.send(key, dataPacket(10, 1));
        bed.pass();
        assertThat(second.sink.received()).hasSize(1);
        assertThat(first.sink.received()).isEmpty();
        second.client.close();
        assertThat(first.client.isActive()).isTrue();
        assertThat(first.client.isDuplicate()).isFalse();
        sender.send(key, dataPacket(10, 2));
        bed.pass();
        assertThat(first.sink.received()).hasSize(1);
        assertThat(bed.relay.counter(RelayCounter.DUPLICATE_CONNECTIONS)).isEqualTo(1);
    }

    @Test
    @DisplayName("B32 lastWriterIsActive: whichever duplicate last sent a frame becomes active")
    void lastWriterBecomesActive() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer first = bed.connect(0, key);
        final Peer second = bed.connect(0, key);
        final Peer sender = bed.connect(0);
        first.client.noteActivity();
        assertThat(first.client.isActive()).isTrue();
        sender.send(key, dataPacket(10, 1));
        bed.pass();
        assertThat(first.sink.received()).hasSize(1);
        second.client.noteActivity();
        sender.send(key, dataPacket(10, 2));
        bed.pass();
        assertThat(second.sink.received()).hasSize(1);
    }

    @Test
    @DisplayName("disableFighters: duplicates that take turns speaking are all disabled; packets drop as dup_client")
    void fightersAreDisabled() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().duplicatePolicy(DuplicatePolicy.DISABLE_FIGHTERS));
        final Peer first = bed.connect(0, key);
        final Peer second = bed.connect(0, key);
        final Peer sender = bed.connect(0);
        second.client.noteActivity();
        second.client.noteActivity(); // repeating itself is not a fight
        assertThat(bed.relay.counter(RelayCounter.DUPLICATE_FIGHTS)).isZero();
        // The first connection is in the send history (Go seeds it with the connection that was there), the
        // second spoke since, and now the first speaks again: two machines share the key.
        first.client.noteActivity();
        assertThat(first.client.isDisabled()).isTrue();
        assertThat(second.client.isDisabled()).isTrue();
        sender.send(key, dataPacket(10, 1));
        bed.pass();
        assertThat(first.sink.received()).isEmpty();
        assertThat(second.sink.received()).isEmpty();
        assertThat(bed.relay.drops(RelayDrop.DUP_CLIENT_OTHER)).isEqualTo(1);
        assertThat(bed.relay.counter(RelayCounter.DUPLICATE_FIGHTS)).isEqualTo(1);
        second.client.close();
        assertThat(first.client.isDisabled()).as("alone again: re-enabled").isFalse();
        sender.send(key, dataPacket(10, 2));
        bed.pass();
        assertThat(first.sink.received()).hasSize(1);
    }

    @Test
    @DisplayName("disableFighters: the newest connection stays active while only it speaks")
    void disableFightersKeepsTheNewestWhileOnlyItSpeaks() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().duplicatePolicy(DuplicatePolicy.DISABLE_FIGHTERS));
        final Peer first = bed.connect(0, key);
        final Peer second = bed.connect(0, key);
        for (int i = 0; i < 5; i++) {
            second.client.noteActivity();
        }
        assertThat(second.client.isActive()).isTrue();
        assertThat(first.client.isDisabled()).isFalse();
    }

    @Test
    void withThreeConnectionsLosingTheActiveLeavesNoneActiveUntilOneSpeaks() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer c1 = bed.connect(0, key);
        final Peer c2 = bed.connect(0, key);
        final Peer c3 = bed.connect(0, key);
        final Peer sender = bed.connect(0);
        c3.client.close();
        sender.send(key, dataPacket(10, 1));
        assertThat(bed.relay.drops(RelayDrop.DUP_CLIENT_OTHER)).isEqualTo(1);
        c1.client.noteActivity();
        sender.send(key, dataPacket(10, 2));
        bed.pass();
        assertThat(c1.sink.received()).hasSize(1);
        assertThat(c2.sink.received()).isEmpty();
    }
}
