package io.derpring.jmh;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * NaCl box seal and open of a disco-sized payload (1200 bytes) over off-heap buffers, with the precomputed per-peer key
 * (no X25519 per packet). Open checks its own result so a broken fast path can't post a number.
 *
 * <p>Bouncy Castle works on {@code byte[]}, so a box copies its bytes off-heap to a chunk and back (open reads the
 * ciphertext twice: MAC pass, then decrypt pass). {@link #copyThroughChunk} is that copy alone, to show its share.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NaclBoxBenchmark {
    @Param({"1200"})
    public int size;

    private final NaclBox box = new NaclBox();
    private BoxKey key;
    private UnsafeBuffer nonce;
    private UnsafeBuffer plaintext;
    private UnsafeBuffer sealed;
    private UnsafeBuffer opened;
    private byte[] chunk;

    @Setup(Level.Trial)
    public void setUp() {
        key = BoxKey.derive(NodePrivateKey.generate(), NodePrivateKey.generate().publicKey());
        nonce = new UnsafeBuffer(ByteBuffer.allocateDirect(NaclBox.NONCE_LENGTH));
        plaintext = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        final byte[] bytes = new byte[size];
        new SplittableRandom(1).nextBytes(bytes);
        plaintext.putBytes(0, bytes);
        sealed = new UnsafeBuffer(ByteBuffer.allocateDirect(size + NaclBox.TAG_LENGTH));
        opened = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        chunk = new byte[size];
        box.seal(key, nonce, 0, plaintext, 0, size, sealed, 0);
    }

    @Benchmark
    public int seal() {
        return box.seal(key, nonce, 0, plaintext, 0, size, sealed, 0);
    }

    /** The copies one seal makes: off-heap plaintext into the byte[] chunk, chunk out to the off-heap box. */
    @Benchmark
    public byte copyThroughChunk() {
        plaintext.getBytes(0, chunk, 0, size);
        sealed.putBytes(NaclBox.TAG_LENGTH, chunk, 0, size);
        return chunk[size - 1];
    }

    @Benchmark
    public int open() {
        final int length = box.open(key, nonce, 0, sealed, 0, size + NaclBox.TAG_LENGTH, opened, 0);
        if (length != size) {
            throw new IllegalStateException("box failed to open: " + length);
        }
        return length;
    }
}
