package io.derpring.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.disco.CallMeMaybeFilter;
import io.derpring.internal.disco.CallMeMaybeFlyweight;
import io.derpring.internal.disco.DiscoKeyCache;
import io.derpring.internal.disco.DiscoOpenResult;
import io.derpring.internal.disco.DiscoOpener;
import io.derpring.internal.disco.DiscoSealer;
import io.derpring.disco.EndpointList;
import io.derpring.keys.DiscoPrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Disco open + parse + candidate filter of a relayed CallMeMaybe with 4 endpoints, for a peer whose box key is
 * already cached (the steady state of the disco-demux stage). Checks its own result.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DiscoOpenBenchmark {
    private DiscoOpener opener;
    private final CallMeMaybeFilter filter = CallMeMaybeFilter.ipv4Only();
    private final EndpointList accepted = EndpointList.forCallMeMaybe();
    private UnsafeBuffer packet;
    private int packetLength;

    @Setup(Level.Trial)
    public void setUp() {
        final DiscoPrivateKey ours = DiscoPrivateKey.generate();
        final DiscoPrivateKey peer = DiscoPrivateKey.generate();
        final EndpointList endpoints = new EndpointList(4);
        for (int i = 0; i < 4; i++) {
            endpoints.addIpv4(0xC6336400 + i, 41641 + i);
        }
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[CallMeMaybeFlyweight.encodedLength(4)]);
        final int payloadLength = CallMeMaybeFlyweight.encode(payload, 0, endpoints);
        packet = new UnsafeBuffer(ByteBuffer.allocateDirect(DiscoSealer.sealedLength(payloadLength)));
        packetLength = new DiscoSealer(peer.publicKey())
            .seal(BoxKey.derive(peer, ours.publicKey()), payload, 0, payloadLength, packet, 0);
        opener = new DiscoOpener(new DiscoKeyCache(ours, 64));
        opener.open(packet, 0, packetLength); // warms the key cache
    }

    @Benchmark
    public int openParseAndFilterCallMeMaybe() {
        if (opener.open(packet, 0, packetLength) != DiscoOpenResult.OK_CALL_ME_MAYBE) {
            throw new IllegalStateException("CallMeMaybe did not open");
        }
        accepted.clear();
        return filter.filter(opener.callMeMaybe(), accepted);
    }
}
