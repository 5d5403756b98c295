package io.derpring.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapParser;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import io.derpring.region.RegionState;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invoker mode: two engines whose conductor and ring stages run only in the test's own loop, wired through the
 * in-memory relay of {@link DerpEngineTest}.
 */
@Timeout(60)
class DerpEngineInvokerTest {
    private static final DerpMap MAP = DerpMapParser.parse("{\"Regions\":{\"900\":{\"RegionID\":900,\"RegionCode\":"
        + "\"a\",\"Nodes\":[{\"Name\":\"900a\",\"RegionID\":900,\"HostName\":\"relay.example.test\"}]}}}");
    private static final int REGION = 900;
    private static final int PACKETS = 100;
    /** Bounds the test loop; a working engine needs a handful of cycles per step. */
    private static final long DUTY_CYCLES = 1_000_000;
    private static final DerpEngineConfig INVOKED = new DerpEngineConfig(DerpEngineConfig.defaults().regions(),
        InboundRingConfig.builder().threading(StageThreading.INVOKED).build(), false,
        DerpEngineConfig.DEFAULT_DISCO_KEY_CACHE);

    private final DerpEngineTest.InMemoryRelay relay = new DerpEngineTest.InMemoryRelay();
    private final NodePrivateKey keyA = NodePrivateKey.generate();
    private final NodePrivateKey keyB = NodePrivateKey.generate();
    private final DiscoPrivateKey discoA = DiscoPrivateKey.generate();
    private final DiscoPrivateKey discoB = DiscoPrivateKey.generate();
    private final DerpEngineTest.Collecting dataplaneA = new DerpEngineTest.Collecting();
    private final DerpEngineTest.Collecting dataplaneB = new DerpEngineTest.Collecting();
    private DerpEngine a;
    private DerpEngine b;

    private DerpEngine engine(final DerpEngineConfig config, final NodePrivateKey self, final DiscoPrivateKey disco,
                              final DerpEngineTest.Collecting dataplane) {
        final DerpEngine engine = new DerpEngine(config, self, disco, dataplane, relay.dialerFor(), null);
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(keyA.publicKey(), discoA.publicKey(), REGION);
        netmap.addPeer(keyB.publicKey(), discoB.publicKey(), REGION);
        engine.updateNetmap(netmap.build());
        engine.updateDerpMap(MAP);
        engine.setHomeRegion(REGION);
        return engine;
    }

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void engineDrivenByTheCallersLoopConnectsItsHomeAndDeliversRelayedPacketsWithoutThreadsOfItsOwn() {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        a = engine(INVOKED, keyA, discoA, dataplaneA);
        b = engine(INVOKED, keyB, discoB, dataplaneB);
        final AgentInvoker invokerA = a.startInvoker();
        final AgentInvoker invokerB = b.startInvoker();
        final BooleanSupplier bothConnected = () -> connected(a) && connected(b);
        runUntil(invokerA, invokerB, bothConnected);

        final UnsafeBuffer packet = new UnsafeBuffer(new byte[1200]);
        for (int i = 0; i < PACKETS; i++) {
            packet.putInt(0, i);
            a.send(keyB.publicKey(), packet, 0, packet.capacity());
            b.send(keyA.publicKey(), packet, 0, packet.capacity());
        }
        runUntil(invokerA, invokerB,
            () -> dataplaneA.received.size() == PACKETS && dataplaneB.received.size() == PACKETS);

        assertThat(dataplaneB.received).first().isEqualTo(keyA.publicKey() + "@900:0");
        assertThat(dataplaneA.received).last().isEqualTo(keyB.publicKey() + "@900:99");
        final Set<String> started = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t)).map(Thread::getName).filter(n -> n.startsWith("derpring"))
            .collect(Collectors.toSet());
        assertThat(started).as("threads the engines started").isEmpty();
    }

    @Test
    void anInvokedEngineRefusesToStartItsOwnThreads() {
        a = engine(INVOKED, keyA, discoA, dataplaneA);
        assertThatThrownBy(a::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("startInvoker");
    }

    @Test
    void aThreadedEngineRefusesInvokerMode() {
        a = engine(DerpEngineConfig.defaults(), keyA, discoA, dataplaneA);
        assertThatThrownBy(a::startInvoker).isInstanceOf(IllegalStateException.class).hasMessageContaining("INVOKED");
    }

    @Test
    void closingAnInvokedEngineClosesItsInvoker() {
        a = engine(INVOKED, keyA, discoA, dataplaneA);
        final AgentInvoker invoker = a.startInvoker();
        a.close();
        assertThat(invoker.isClosed()).isTrue();
        assertThat(invoker.invoke()).isZero();
    }

    private static void runUntil(final AgentInvoker x, final AgentInvoker y, final BooleanSupplier done) {
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (long cycle = 0; !done.getAsBoolean(); cycle++) {
            if (cycle == DUTY_CYCLES || System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("not done after " + cycle + " duty cycles");
            }
            if (x.invoke() + y.invoke() == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private static boolean connected(final DerpEngine engine) {
        return engine.status().stream().anyMatch(s -> s.regionId() == REGION && s.state() == RegionState.CONNECTED);
    }
}
