package io.derpring.internal.metrics;

import static io.derpring.metrics.MetricType.COUNTER;
import static io.derpring.metrics.MetricType.GAUGE;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The standard process and JVM families of a Prometheus page, named as Prometheus client_java (1.x) names them, so
 * dashboards and scrapers written for any JVM service read them: {@code process_cpu_seconds_total},
 * {@code process_start_time_seconds}, {@code process_open_fds}, {@code process_max_fds},
 * {@code process_resident_memory_bytes}, {@code jvm_memory_used_bytes{area}} and
 * {@code jvm_buffer_pool_used_bytes{pool}}. Shared by the relay's {@code /metrics} and the TCP forwarder's, whose
 * CPU the load generator subtracts across its measured phase.
 *
 * <p>A family the platform cannot give (no {@code /proc} off Linux, a JVM without the {@code com.sun.management}
 * beans) is left out, never written as a made-up value. Scrapes are rare, so this allocates a little (the
 * {@code /proc} read, MXBean snapshots); the {@code /proc} read is bounded by {@link #MAX_STATUS_BYTES}.
 */
public final class ProcessMetrics {
    /** Linux's per-process status file: {@code VmRSS:   123456 kB}. */
    public static final Path PROC_SELF_STATUS = Path.of("/proc/self/status");
    /** /proc/self/status is about 1.5 KiB; a file larger than this is not the one we know and is not read further. */
    static final int MAX_STATUS_BYTES = 16 * 1024;
    private static final String VM_RSS = "VmRSS:";
    private static final long KIB = 1024;
    /** A VmRSS in kB never needs more: 15 digits of KiB is an exabyte, and the product cannot overflow a long. */
    static final int MAX_DIGITS = 15;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double MILLIS_PER_SECOND = 1e3;

    private final Path status;

    private ProcessMetrics(final Path status) {
        this.status = status;
    }

    /** This process, reading resident memory from {@link #PROC_SELF_STATUS}. */
    public static ProcessMetrics system() {
        return new ProcessMetrics(PROC_SELF_STATUS);
    }

    /** With resident memory read from {@code status} instead (tests: a missing file, a file without VmRSS). */
    static ProcessMetrics withStatusFile(final Path status) {
        return new ProcessMetrics(status);
    }

    /** Appends the families this platform can give. */
    public void write(final StringBuilder out) {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        final long cpuNs = processCpuNanos(os);
        if (cpuNs >= 0) {
            PrometheusText.header(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                COUNTER);
            PrometheusText.sample(out, "process_cpu_seconds_total", cpuNs / NANOS_PER_SECOND);
        }
        PrometheusText.header(out, "process_start_time_seconds", "Start time of the process since unix epoch in "
            + "seconds.", GAUGE);
        PrometheusText.sample(out, "process_start_time_seconds",
            ManagementFactory.getRuntimeMXBean().getStartTime() / MILLIS_PER_SECOND);
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            final com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
            PrometheusText.single(out, "process_open_fds", "Number of open file descriptors.", GAUGE,
                unix.getOpenFileDescriptorCount());
            PrometheusText.single(out, "process_max_fds", "Maximum number of open file descriptors.", GAUGE,
                unix.getMaxFileDescriptorCount());
        }
        final long rss = residentBytes(status);
        if (rss >= 0) {
            PrometheusText.single(out, "process_resident_memory_bytes", "Resident memory size in bytes.", GAUGE, rss);
        }
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        PrometheusText.header(out, "jvm_memory_used_bytes", "Used bytes of a given JVM memory area.", GAUGE);
        PrometheusText.sample(out, "jvm_memory_used_bytes", "area", "heap", heap.getUsed());
        PrometheusText.sample(out, "jvm_memory_used_bytes", "area", "nonheap", nonHeap.getUsed());
        PrometheusText.header(out, "jvm_memory_committed_bytes", "Committed (bytes) of a given JVM memory area.", GAUGE);
        PrometheusText.sample(out, "jvm_memory_committed_bytes", "area", "heap", heap.getCommitted());
        PrometheusText.sample(out, "jvm_memory_committed_bytes", "area", "nonheap", nonHeap.getCommitted());
        writeBufferPools(out);
    }

    /** The JDK's buffer pools ("direct", "mapped"): what {@code ByteBuffer.allocateDirect} holds. */
    private static void writeBufferPools(final StringBuilder out) {
        final List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        PrometheusText.header(out, "jvm_buffer_pool_used_bytes", "Used bytes of a given JVM buffer pool.", GAUGE);
        for (final BufferPoolMXBean p : pools) {
            PrometheusText.sample(out, "jvm_buffer_pool_used_bytes", "pool", p.getName(), p.getMemoryUsed());
        }
        PrometheusText.header(out, "jvm_buffer_pool_capacity_bytes", "Bytes capacity of a given JVM buffer pool.",
            GAUGE);
        for (final BufferPoolMXBean p : pools) {
            PrometheusText.sample(out, "jvm_buffer_pool_capacity_bytes", "pool", p.getName(), p.getTotalCapacity());
        }
    }

    /** CPU time of the whole process in nanoseconds, or -1 when the JVM cannot tell. */
    public static long processCpuNanos() {
        return processCpuNanos(ManagementFactory.getOperatingSystemMXBean());
    }

    private static long processCpuNanos(final OperatingSystemMXBean os) {
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime(); // -1 if unsupported
        }
        return -1;
    }

    /** VmRSS of a /proc status file in bytes, or -1 when the file is absent, unreadable or has no VmRSS line. */
    static long residentBytes(final Path statusFile) {
        if (!Files.isReadable(statusFile)) {
            return -1;
        }
        final byte[] bytes;
        try (InputStream in = Files.newInputStream(statusFile)) {
            bytes = in.readNBytes(MAX_STATUS_BYTES);
        } catch (final IOException e) {
            return -1;
        }
        return residentBytes(new String(bytes, StandardCharsets.US_ASCII));
    }

    /** VmRSS of /proc status text ({@code "VmRSS:\t  123 kB"}) in bytes, or -1 when there is none. */
    static long residentBytes(final String statusText) {
        final int at = statusText.indexOf(VM_RSS);
        if (at < 0) {
            return -1;
        }
        int i = at + VM_RSS.length();
        while (i < statusText.length() && (statusText.charAt(i) == ' ' || statusText.charAt(i) == '\t')) {
            i++;
        }
        long kib = 0;
        int digits = 0;
        while (i < statusText.length() && Character.isDigit(statusText.charAt(i)) && digits < MAX_DIGITS) {
            kib = kib * 10 + (statusText.charAt(i++) - '0');
            digits++;
        }
        return digits == 0 ? -1 : kib * KIB;
    }
}
