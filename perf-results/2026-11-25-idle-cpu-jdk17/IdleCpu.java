import java.lang.management.*;
import io.derpring.ring.*;
import io.derpring.netmap.*;
import io.derpring.metrics.*;
public class IdleCpu {
  public static void main(String[] a) throws Exception {
    Counters<InboundCounter> c = new Counters<>(InboundCounter.class);
    com.lmax.disruptor.EventHandler<FrameSlot> nop = (s, q, e) -> {};
    InboundRing ring = new InboundRing(InboundRingConfig.builder().waitStrategy(WaitStrategyChoice.valueOf(a[0])).build(), new NetmapHolder(), c, nop, nop, nop);
    ring.start();
    Thread.sleep(500);
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    long id = 0; for (Thread th : Thread.getAllStackTraces().keySet()) if (th.getName().startsWith("derpring-inbound")) id = th.getId();
    long before = t.getThreadCpuTime(id);
    Thread.sleep(2000);
    System.out.printf("%s idle stage thread CPU: %.1f%% of a core%n", a[0], (t.getThreadCpuTime(id) - before) / 2e9 * 100);
    ring.close();
  }
}
