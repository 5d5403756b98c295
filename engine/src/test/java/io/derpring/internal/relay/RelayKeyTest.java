package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The registry's map key: equal exactly when all 32 key bytes are equal, wherever the bytes were read from. */
class RelayKeyTest {
    private final NodeKey node = NodePrivateKey.generate().publicKey();

    private static byte[] bytesOf(final NodeKey key) {
        return key.toBytes();
    }

    private static RelayKey withByteFlipped(final NodeKey key, final int index) {
        final byte[] raw = bytesOf(key);
        raw[index] ^= 1;
        return RelayKey.copyOf(new UnsafeBuffer(raw), 0);
    }

    @Test
    void theSameKeyReadFromAFrameEqualsTheStoredKey() {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[50]);
        node.writeTo(frame, 9);
        final RelayKey fromFrame = RelayKey.copyOf(frame, 9);
        final RelayKey stored = RelayKey.of(node);
        assertThat(fromFrame).isEqualTo(stored);
        assertThat(fromFrame.hashCode()).isEqualTo(stored.hashCode());
        assertThat(fromFrame.compareTo(stored)).isZero();
    }

    @ParameterizedTest(name = "keys differing only in byte {0} are different")
    @ValueSource(ints = {0, 7, 8, 15, 16, 23, 24, 31})
    void keysDifferingInAnyByteAreNotEqual(final int index) {
        final RelayKey a = RelayKey.of(node);
        final RelayKey b = withByteFlipped(node, index);
        assertThat(a).isNotEqualTo(b);
        assertThat(b).isNotEqualTo(a);
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a))).isNotZero();
    }

    @Test
    void aKeyEqualsItselfAndNothingOfAnotherType() {
        final RelayKey k = RelayKey.of(node);
        assertThat(k).isEqualTo(k);
        assertThat(k.equals(node)).isFalse();
        assertThat(k.equals(null)).isFalse();
    }

    @Test
    void aKeyWritesBackExactlyTheBytesItWasReadFrom() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[40]);
        RelayKey.of(node).writeTo(out, 4);
        assertThat(NodeKey.read(out, 4)).isEqualTo(node);
        assertThat(RelayKey.of(node).toNodeKey()).isEqualTo(node);
        assertThat(RelayKey.of(node)).hasToString(node.toString());
    }

    @Test
    void aProbeReaimedAtAnotherKeyFindsThatKey() {
        final NodeKey other = NodePrivateKey.generate().publicKey();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        node.writeTo(frame, 0);
        other.writeTo(frame, 32);
        final RelayKey probe = RelayKey.probe();
        assertThat(probe.aim(frame, 0)).isEqualTo(RelayKey.of(node));
        assertThat(probe.aim(frame, 32)).isEqualTo(RelayKey.of(other)).isNotEqualTo(RelayKey.of(node));
        final RelayKey copy = probe.copy();
        probe.aim(frame, 0);
        assertThat(copy).as("a copy does not follow its probe").isEqualTo(RelayKey.of(other));
        assertThat(copy.hashCode()).isEqualTo(RelayKey.of(other).hashCode());
    }
}
