import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import com.sun.management.ThreadMXBean;
import io.derpring.crypto.BoxKey;
import io.derpring.crypto.NaclBox;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Thread CPU time per NaCl box seal and open of 1200 bytes over off-heap buffers (as NaclBoxBenchmark), for a
 * machine too loaded for wall-clock JMH: CPU time excludes the time this thread waits for a core. Best of 7 rounds
 * of 100k ops after 200k warm-up ops each.
 */
public final class BoxCpuTime {
    public static void main(final String[] args) {
        final int size = 1200;
        final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        final NaclBox box = new NaclBox();
        final BoxKey key = BoxKey.derive(NodePrivateKey.generate(), NodePrivateKey.generate().publicKey());
        final UnsafeBuffer nonce = new UnsafeBuffer(ByteBuffer.allocateDirect(NaclBox.NONCE_LENGTH));
        final UnsafeBuffer plain = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        final byte[] bytes = new byte[size];
        new SplittableRandom(1).nextBytes(bytes);
        plain.putBytes(0, bytes);
        final UnsafeBuffer sealed = new UnsafeBuffer(ByteBuffer.allocateDirect(size + NaclBox.TAG_LENGTH));
        final UnsafeBuffer opened = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += box.seal(key, nonce, 0, plain, 0, size, sealed, 0);
            sink += box.open(key, nonce, 0, sealed, 0, size + 16, opened, 0);
        }
        final int ops = 100_000;
        double bestSeal = Double.MAX_VALUE;
        double bestOpen = Double.MAX_VALUE;
        for (int round = 0; round < 7; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                sink += box.seal(key, nonce, 0, plain, 0, size, sealed, 0);
            }
            long t1 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                if (box.open(key, nonce, 0, sealed, 0, size + 16, opened, 0) != size) {
                    throw new IllegalStateException("open failed");
                }
            }
            long t2 = threads.getCurrentThreadCpuTime();
            bestSeal = Math.min(bestSeal, (t1 - t0) / (double) ops);
            bestOpen = Math.min(bestOpen, (t2 - t1) / (double) ops);
        }
        // Disco open + parse + filter of a relayed CallMeMaybe with 4 endpoints, cached key (DiscoOpenBenchmark).
        final io.derpring.keys.DiscoPrivateKey ours = io.derpring.keys.DiscoPrivateKey.generate();
        final io.derpring.keys.DiscoPrivateKey peer = io.derpring.keys.DiscoPrivateKey.generate();
        final io.derpring.disco.EndpointList endpoints = new io.derpring.disco.EndpointList(4);
        for (int i = 0; i < 4; i++) {
            endpoints.addIpv4(0xC6336400 + i, 41641 + i);
        }
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[io.derpring.disco.CallMeMaybeFlyweight.encodedLength(4)]);
        final int payloadLength = io.derpring.disco.CallMeMaybeFlyweight.encode(payload, 0, endpoints);
        final UnsafeBuffer packet = new UnsafeBuffer(ByteBuffer.allocateDirect(
            io.derpring.disco.DiscoSealer.sealedLength(payloadLength)));
        final int packetLength = new io.derpring.disco.DiscoSealer(peer.publicKey())
            .seal(BoxKey.derive(peer, ours.publicKey()), payload, 0, payloadLength, packet, 0);
        final io.derpring.disco.DiscoOpener opener =
            new io.derpring.disco.DiscoOpener(new io.derpring.disco.DiscoKeyCache(ours, 64));
        final io.derpring.disco.CallMeMaybeFilter filter = io.derpring.disco.CallMeMaybeFilter.ipv4Only();
        final io.derpring.disco.EndpointList accepted = io.derpring.disco.EndpointList.forCallMeMaybe();
        for (int i = 0; i < 500_000; i++) {
            opener.open(packet, 0, packetLength);
        }
        double bestDisco = Double.MAX_VALUE;
        for (int round = 0; round < 7; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                if (opener.open(packet, 0, packetLength) != io.derpring.disco.DiscoOpenResult.OK_CALL_ME_MAYBE) {
                    throw new IllegalStateException("CallMeMaybe did not open");
                }
                accepted.clear();
                sink += filter.filter(opener.callMeMaybe(), accepted);
            }
            bestDisco = Math.min(bestDisco, (threads.getCurrentThreadCpuTime() - t0) / (double) ops);
        }
        System.out.printf("seal 1200 B: %.0f ns CPU/op, open 1200 B: %.0f ns CPU/op, disco open+parse+filter: %.0f ns"
            + " CPU/op (best of 7 x 100k) [%d]%n", bestSeal, bestOpen, bestDisco, sink & 1);
    }
}
