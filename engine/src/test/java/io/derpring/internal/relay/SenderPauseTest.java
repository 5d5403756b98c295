package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Overload without waste: a sender whose destination is backlogged (queue half full, socket not writable) stops being
 * read, for a bounded time, instead of being read only to have its packets dropped at the full queue; a queue that
 * fills while its socket still takes bytes is written at once instead of losing its head.
 */
class SenderPauseTest {
    private static final int DEPTH = RelayConfig.DEFAULT_QUEUE_DEPTH;
    private static final int BACKLOG_MARK = DEPTH / 2;

    private static RelayTestbed bed(final int shards, final long pauseNs) {
        return new RelayTestbed(shards, RelayTestbed.config().senderPauseNs(pauseNs));
    }

    private static Peer pausable(final RelayTestbed bed, final int shard) {
        final Peer p = bed.connect(shard);
        p.sink.pausable = true;
        return p;
    }

    private static void sendMany(final Peer from, final Peer to, final int count) {
        for (int i = 0; i < count; i++) {
            from.send(to, dataPacket(100, i));
        }
    }

    @Test
    @DisplayName("a destination half full and not writable pauses its sender, for the configured bound")
    void backloggedDestinationPausesItsSender() {
        final RelayTestbed bed = bed(1, RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        final Peer a = pausable(bed, 0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        sendMany(a, b, BACKLOG_MARK - 1);
        assertThat(a.client.readPaused()).as("below the mark").isFalse();
        a.send(b, dataPacket(100, 0));
        assertThat(a.client.readPaused()).as("at the mark").isTrue();
        assertThat(a.sink.pauses).isEqualTo(1);
        assertThat(a.sink.pauseBoundNs).isEqualTo(RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        assertThat(bed.relay.counter(RelayCounter.SENDER_PAUSES)).isEqualTo(1);
        assertThat(bed.relay.drops(DropReason.QUEUE_HEAD)).isZero();
    }

    @Test
    @DisplayName("the destination draining tells its paused sender to resume")
    void drainResumesThePausedSender() {
        final RelayTestbed bed = bed(1, RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        final Peer a = pausable(bed, 0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        sendMany(a, b, BACKLOG_MARK);
        bed.pass();
        assertThat(a.sink.resumes).as("still backlogged").hasValue(0);
        b.sink.setWritable(true);
        bed.pass();
        assertThat(a.sink.resumes).hasValue(1);
        assertThat(b.sink.received()).hasSize(BACKLOG_MARK);
        a.client.endPause(false); // what the transport does on resume
        assertThat(a.client.readPaused()).isFalse();
        assertThat(bed.relay.counter(RelayCounter.SENDER_PAUSE_TIMEOUTS)).isZero();
    }

    @Test
    @DisplayName("cross-shard: a sender on another loop pauses behind the backlog and is resumed by the destination's loop")
    void pausesAcrossShards() {
        final RelayTestbed bed = bed(2, RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        final Peer a = pausable(bed, 0);
        final Peer b = bed.connect(1);
        b.sink.setWritable(false);
        sendMany(a, b, BACKLOG_MARK);
        assertThat(a.client.readPaused()).as("the packets are still in the mailbox").isFalse();
        bed.pass();
        a.send(b, dataPacket(100, 0));
        assertThat(a.client.readPaused()).isTrue();
        b.sink.setWritable(true);
        bed.pass();
        assertThat(a.sink.resumes).hasValue(1);
    }

    @Test
    @DisplayName("a pause that reaches its bound is not repeated for the same backlog: the queue drops as derper's does")
    void timedOutPauseIsNotRepeatedForTheSameBacklog() {
        final RelayTestbed bed = bed(1, RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        final Peer a = pausable(bed, 0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        sendMany(a, b, BACKLOG_MARK);
        a.client.endPause(true); // the transport's timer: the bound passed
        sendMany(a, b, DEPTH);
        assertThat(a.sink.pauses).isEqualTo(1);
        assertThat(bed.relay.counter(RelayCounter.SENDER_PAUSE_TIMEOUTS)).isEqualTo(1);
        assertThat(bed.relay.drops(DropReason.QUEUE_HEAD)).isEqualTo(BACKLOG_MARK);
        b.sink.setWritable(true);
        bed.pass();
        b.sink.setWritable(false);
        sendMany(a, b, BACKLOG_MARK);
        assertThat(a.sink.pauses).as("a new backlog pauses again").isEqualTo(2);
    }

    @Test
    @DisplayName("sender pause off (0): the full queue drops its head and the sender is never paused, as derper")
    void offDropsAtTheFullQueue() {
        final RelayTestbed bed = bed(1, RelayConfig.SENDER_PAUSE_OFF);
        final Peer a = pausable(bed, 0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        sendMany(a, b, DEPTH + 8);
        assertThat(a.sink.pauses).isZero();
        assertThat(bed.relay.drops(DropReason.QUEUE_HEAD)).isEqualTo(8);
    }

    @Test
    @DisplayName("a sink that cannot pause keeps being read; its packets meet the queue's drop rules")
    void sinkThatCannotPauseKeepsReading() {
        final RelayTestbed bed = bed(1, RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        sendMany(a, b, DEPTH + 8);
        assertThat(a.client.readPaused()).isFalse();
        assertThat(bed.relay.counter(RelayCounter.SENDER_PAUSES)).isZero();
        assertThat(bed.relay.drops(DropReason.QUEUE_HEAD)).isEqualTo(8);
    }

    @Test
    @DisplayName("a queue that fills within one pass while its socket is writable is written at once, not head-dropped")
    void queueFilledWhileWritableIsWrittenNotDropped() {
        final RelayTestbed bed = bed(1, RelayConfig.SENDER_PAUSE_OFF);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        sendMany(a, b, 3 * DEPTH); // no pass in between: one big read
        bed.pass();
        assertThat(b.sink.received()).hasSize(3 * DEPTH);
        assertThat(bed.relay.drops(DropReason.QUEUE_HEAD)).isZero();
        assertThat(bed.relay.counter(RelayCounter.EARLY_WRITES)).isEqualTo(2);
        assertThat(bed.memory.outstanding).hasValue(0);
    }

    @Test
    @DisplayName("closing a backlogged destination resumes its paused senders")
    void closedDestinationResumesItsSenders() {
        final RelayTestbed bed = bed(1, RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        final Peer a = pausable(bed, 0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        sendMany(a, b, BACKLOG_MARK);
        b.client.close();
        bed.pass();
        assertThat(a.sink.resumes).hasValue(1);
        assertThat(bed.relay.drops(DropReason.GONE_DISCONNECTED)).isEqualTo(BACKLOG_MARK);
    }

    @Test
    @DisplayName("up to PAUSED_SENDER_CAPACITY senders wait on one shard between passes; the next is not paused")
    void pausedSendersAreBoundedPerShard() {
        final RelayTestbed bed = bed(1, RelayConfig.DEFAULT_SENDER_PAUSE_NS);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        sendMany(bed.connect(0), b, BACKLOG_MARK); // a sink that cannot pause fills the queue to the mark
        for (int i = 0; i < RelayShard.PAUSED_SENDER_CAPACITY - 1; i++) {
            pausable(bed, 0).send(b, dataPacket(100, i));
        }
        final Peer last = pausable(bed, 0);
        last.send(b, dataPacket(100, 0));
        assertThat(last.client.readPaused()).as("at the capacity").isTrue();
        final Peer over = pausable(bed, 0);
        over.send(b, dataPacket(100, 0));
        assertThat(over.client.readPaused()).as("above it").isFalse();
        assertThat(bed.relay.counter(RelayCounter.SENDER_PAUSES)).isEqualTo(RelayShard.PAUSED_SENDER_CAPACITY);
    }

    @ParameterizedTest(name = "senderPauseNs {0}")
    @ValueSource(longs = {RelayConfig.SENDER_PAUSE_OFF, 1, RelayConfig.MAX_SENDER_PAUSE_NS - 1, RelayConfig.MAX_SENDER_PAUSE_NS})
    @DisplayName("the sender pause bound accepts 0 (off) up to its maximum")
    void pauseBoundInRange(final long ns) {
        assertThat(RelayConfig.builder().senderPauseNs(ns).build().senderPauseNs()).isEqualTo(ns);
    }

    @ParameterizedTest(name = "senderPauseNs {0}")
    @ValueSource(longs = {-1, RelayConfig.MAX_SENDER_PAUSE_NS + 1})
    @DisplayName("a sender pause bound below 0 or above its maximum is refused")
    void pauseBoundOutOfRange(final long ns) {
        assertThatThrownBy(() -> RelayConfig.builder().senderPauseNs(ns).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("senderPauseNs");
    }
}
