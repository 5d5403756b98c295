package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayGauge;
import io.derpring.transport.Transport;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds {@value #CONNECTIONS} idle, fully handshaken DERP connections and reports heap + direct memory per
 * connection (goal: at most 16 KiB on plain TCP with epoll/io_uring). Reported, not asserted tightly: the numbers
 * include the test's own client sockets (one {@code java.net.Socket} each, in this JVM), so they are an upper bound
 * for the server side.
 */
@Timeout(300)
class IdleConnectionsMemoryTest {
    static final int CONNECTIONS = 2000;
    /** A loose regression guard, far above the 16 KiB goal. */
    static final long GUARD_BYTES_PER_CONNECTION = 128 * 1024;

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void twoThousandIdleConnectionsReportHeapAndDirectMemoryPerConnection(final Transport transport) throws Exception {
        final List<Socket> clients = new ArrayList<>(CONNECTIONS);
        try (DerpRelayServer server = DerpRelayServer.builder().transport(transport).threads(2)
            .listen(new InetSocketAddress("127.0.0.1", 0)).metricsAddress(null).build().start()) {
            final NaclBox box = new NaclBox();
            // Warm up: the first connections load classes and fill pools; they are not what is measured.
            final List<Socket> warm = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                warm.add(connect(server.localAddress(), box));
            }
            final long[] before = measure();
            int opened = 0;
            String limit = null;
            for (int i = 0; i < CONNECTIONS; i++) {
                try {
                    clients.add(connect(server.localAddress(), box));
                    opened++;
                } catch (final IOException e) {
                    limit = e.toString(); // e.g. too many open files: use as many as work
                    break;
                }
            }
            final int n = opened;
            awaitTrue("all registered", () -> server.relay().gauge(RelayGauge.CONNECTIONS) == n + warm.size(),
                Duration.ofSeconds(60));
            final long[] after = measure();
            final long heap = (after[0] - before[0]) / n;
            final long pooledDirect = (after[1] - before[1]) / n;
            final long nettyDirect = (after[2] - before[2]) / n;
            final long jdkDirect = (after[3] - before[3]) / n;
            System.out.printf("idle-connections transport=%s connections=%d%s heap/conn=%d B pooled-direct/conn=%d B "
                    + "netty-direct/conn=%d B jdk-direct/conn=%d B total/conn=%d B (includes the test's client sockets)%n",
                transport.cliName(), n, limit == null ? "" : " (stopped early: " + limit + ")", heap, pooledDirect,
                nettyDirect, jdkDirect, heap + Math.max(pooledDirect, nettyDirect) + jdkDirect);
            assertThat(n).isPositive();
            assertThat(heap + Math.max(pooledDirect, nettyDirect) + jdkDirect).isLessThan(GUARD_BYTES_PER_CONNECTION);
            for (final Socket s : warm) {
                s.close();
            }
        } finally {
            for (final Socket s : clients) {
                s.close();
            }
        }
    }

    /** heap used after GC, Netty pooled direct, Netty-counted direct, JDK direct buffers. */
    private static long[] measure() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // let the collector finish; not a wait for a condition
        }
        long jdkDirect = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                jdkDirect = pool.getMemoryUsed();
            }
        }
        return new long[] {
            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
            PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(),
            PlatformDependent.usedDirectMemory(),
            jdkDirect};
    }

    /** A lean client: upgrade, ServerKey, ClientInfo, ServerInfo; then only the socket is kept. */
    private static Socket connect(final InetSocketAddress server, final NaclBox box) throws IOException {
        final Socket s = new Socket();
        try {
            s.connect(server, 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(DerpTestClient.upgradeRequest(false).getBytes(US_ASCII));
            final DataInputStream in = new DataInputStream(s.getInputStream());
            int matched = 0;
            while (matched < 4) {
                final int c = in.read();
                if (c < 0) {
                    throw new IOException("EOF in upgrade response");
                }
                matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
            }
            final byte[] greeting = new byte[ServerKeyFlyweight.FRAME_LENGTH];
            in.readFully(greeting);
            final NodeKey serverKey = ServerKeyFlyweight.readServerKey(new UnsafeBuffer(greeting), 5);
            final UnsafeBuffer f = new UnsafeBuffer(new byte[256]);
            final int n = ClientInfoFrame.seal(box, NodePrivateKey.generate(), serverKey, ClientInfo.standard(), f, 0);
            s.getOutputStream().write(f.byteArray(), 0, n);
            final int type = in.readUnsignedByte();
            final byte[] serverInfo = new byte[in.readInt()];
            in.readFully(serverInfo);
            if (type != FrameType.SERVER_INFO) {
                throw new IOException("expected ServerInfo, got " + type);
            }
            return s;
        } catch (final IOException e) {
            s.close();
            throw e;
        }
    }
}
