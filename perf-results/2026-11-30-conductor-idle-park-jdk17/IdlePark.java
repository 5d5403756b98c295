import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import io.derpring.engine.*;
import io.derpring.keys.*;

public class IdlePark {
    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String a : args) {
            long parkNs = Long.parseLong(a);
            DerpEngineConfig d = DerpEngineConfig.defaults();
            DerpEngineConfig c = new DerpEngineConfig(d.regions(), d.ring(), false, d.discoKeyCache(), parkNs);
            try (DerpEngine e = new DerpEngine(c, NodePrivateKey.generate(), DiscoPrivateKey.generate(),
                    (p, r, b, o, l) -> { }, (ring, self) -> (region, node, ideal, listener) -> { throw new IllegalStateException(); }, null).start()) {
                Thread.sleep(2000);
                long id = -1;
                for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals("derpring-regions")) id = t.getId();
                long cpu0 = mx.getThreadCpuTime(id), w0 = System.nanoTime();
                Thread.sleep(10_000);
                long cpu = mx.getThreadCpuTime(id) - cpu0, w = System.nanoTime() - w0;
                System.out.printf("conductorIdleParkNs=%d conductor thread CPU %.2f%% of a core over %.1f s%n", parkNs, 100.0 * cpu / w, w / 1e9);
            }
        }
    }
}
