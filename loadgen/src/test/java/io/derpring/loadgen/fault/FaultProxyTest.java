package io.derpring.loadgen.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.derpring.internal.frame.FrameType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy with plain sockets at both ends: what each fault does to the bytes and the sockets. */
@Timeout(60)
class FaultProxyTest {
    static final int READ_TIMEOUT_MS = 20_000;
    static final long TEST_HOLD_NS = TimeUnit.MILLISECONDS.toNanos(500);

    ServerSocket upstream;
    FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        upstream = listen();
        proxy = FaultProxy.start(address(upstream), 2, TEST_HOLD_NS);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        upstream.close();
    }

    static ServerSocket listen() throws IOException {
        final ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    static InetSocketAddress address(final ServerSocket s) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
    }

    Socket connect() throws IOException {
        final Socket s = new Socket(proxy.localAddress().getAddress(), proxy.localAddress().getPort());
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    static Socket accept(final ServerSocket server) throws IOException {
        final Socket s = server.accept();
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    static byte[] readExactly(final InputStream in, final int n) throws IOException {
        return in.readNBytes(n);
    }

    static void await(final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met in time").isNegative();
            Thread.sleep(5);
        }
    }

    /** Reads until the stream ends in a reset; returns the bytes that came before it. */
    static int bytesBeforeReset(final InputStream in) {
        int n = 0;
        try {
            while (in.read() >= 0) {
                n++;
            }
        } catch (final IOException e) {
            assertThat(e).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            return n;
        }
        throw new AssertionError("stream ended with FIN, not RST, after " + n + " bytes");
    }

    @Test
    void forwardsBothWays() throws Exception {
        try (Socket client = connect(); Socket relay = accept(upstream)) {
            client.getOutputStream().write("hello".getBytes());
            assertThat(readExactly(relay.getInputStream(), 5)).isEqualTo("hello".getBytes());
            relay.getOutputStream().write("world".getBytes());
            assertThat(readExactly(client.getInputStream(), 5)).isEqualTo("world".getBytes());
        }
    }

    @Test
    void keepsItsAddressWhenRetargeted() throws Exception {
        final InetSocketAddress before = proxy.localAddress();
        try (ServerSocket second = listen(); Socket first = connect(); Socket firstRelay = accept(upstream)) {
            proxy.retarget(address(second));
            try (Socket next = connect(); Socket nextRelay = accept(second)) {
                next.getOutputStream().write(1);
                assertThat(nextRelay.getInputStream().read()).isEqualTo(1);
                first.getOutputStream().write(2);
                assertThat(firstRelay.getInputStream().read()).as("an open connection keeps its target").isEqualTo(2);
            }
        }
        assertThat(proxy.localAddress()).isEqualTo(before);
    }

    @Test
    void resetCutsThroughAFrameAndResetsBothSides() throws Exception {
        try (Socket client = connect(); Socket relay = accept(upstream)) {
            client.getOutputStream().write(FrameCounterTest.HEAD);
            assertThat(readExactly(relay.getInputStream(), FrameCounterTest.HEAD.length))
                .isEqualTo(FrameCounterTest.HEAD);
            assertThat(proxy.reset()).isEqualTo(1);
            client.getOutputStream().write(FrameCounterTest.frame(FrameType.SEND_PACKET, 100));
            assertThat(bytesBeforeReset(relay.getInputStream())).as("half the frame, then RST").isEqualTo(5 + 50);
            assertThat(bytesBeforeReset(client.getInputStream())).isZero();
        }
        await(() -> proxy.openConnections() == 0);
        assertThat(proxy.resetsMidFrame()).isEqualTo(1);
        await(() -> proxy.packetFramesLostInside() == 1);
    }

    @Test
    void resetOfAQuietConnectionComesAtAFrameBoundary() throws Exception {
        try (Socket client = connect(); Socket relay = accept(upstream)) {
            proxy.reset();
            assertThat(bytesBeforeReset(client.getInputStream())).isZero();
            assertThat(bytesBeforeReset(relay.getInputStream())).isZero();
        }
        assertThat(proxy.resetsAtBoundary()).isEqualTo(1);
        assertThat(proxy.resetsMidFrame()).isZero();
    }

    @Test
    void halfOpenPassesNothingUntilTheHoldEndsInAReset() throws Exception {
        try (Socket client = connect(); Socket relay = accept(upstream)) {
            client.getOutputStream().write(1);
            assertThat(relay.getInputStream().read()).isEqualTo(1);
            assertThat(proxy.halfOpen()).isEqualTo(1);
            client.getOutputStream().write(2);
            relay.getOutputStream().write(3);
            // The hold's reset is the event: nothing written after the freeze arrives before it.
            assertThat(bytesBeforeReset(relay.getInputStream())).isZero();
            assertThat(bytesBeforeReset(client.getInputStream())).isZero();
        }
        assertThat(proxy.halfOpened()).isEqualTo(1);
        await(() -> proxy.halfOpenExpired() == 1);
    }

    @Test
    void slowReaderThrottlesRelayToClientUntilLifted() throws Exception {
        final long rate = 16 * 1024;
        proxy.slowReader(rate);
        try (Socket client = connect(); Socket relay = accept(upstream)) {
            final byte[] block = new byte[32 * 1024];
            final long start = System.nanoTime();
            relay.getOutputStream().write(block);
            assertThat(readExactly(client.getInputStream(), block.length)).hasSize(block.length);
            final double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(seconds).as("32 KiB at 16 KiB/s takes about 2 s").isGreaterThan(1.0);

            proxy.slowReader(0);
            final byte[] big = new byte[1 << 20];
            final long liftedStart = System.nanoTime();
            final Thread writer = new Thread(() -> {
                try {
                    relay.getOutputStream().write(big);
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            assertThat(readExactly(client.getInputStream(), big.length)).hasSize(big.length);
            writer.join();
            final double lifted = (System.nanoTime() - liftedStart) / 1e9;
            assertThat(lifted).as("1 MiB would take 64 s at the throttled rate").isLessThan(30.0);
            System.out.printf("throttled 32 KiB in %.2f s, then 1 MiB in %.3f s%n", seconds, lifted);
        }
    }

    @Test
    void connectionsBelowAndAtTheCapPassAndAboveItAreClosed() throws Exception {
        try (Socket below = connect(); Socket belowRelay = accept(upstream); Socket at = connect();
             Socket atRelay = accept(upstream); Socket above = connect()) {
            assertThat(above.getInputStream().read()).as("closed at accept").isEqualTo(-1);
            await(() -> proxy.refusedOverCap() == 1);
            below.getOutputStream().write(1);
            at.getOutputStream().write(2);
            assertThat(belowRelay.getInputStream().read()).isEqualTo(1);
            assertThat(atRelay.getInputStream().read()).isEqualTo(2);
            assertThat(proxy.openConnections()).isEqualTo(2);
        }
    }

    @Test
    void aConnectionToADownTargetIsClosedAndCounted() throws Exception {
        final ServerSocket gone = listen();
        final InetSocketAddress dead = address(gone);
        gone.close();
        proxy.retarget(dead);
        try (Socket client = connect()) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        await(() -> proxy.targetUnreachable() == 1);
    }

    @Test
    void aNegativeRateIsRefused() {
        assertThatThrownBy(() -> proxy.slowReader(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
