package io.derpring.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMetricsTest {
    private static final String STATUS = "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  123456 kB\nThreads:\t40\n";

    @Test
    void pageParsesAsPrometheusTextWithTheClientJavaNames() {
        final StringBuilder out = new StringBuilder();
        ProcessMetrics.system().write(out);
        final PrometheusTextParser page = PrometheusTextParser.parse(out.toString());

        assertThat(page.types).containsEntry("process_cpu_seconds_total", "counter")
            .containsEntry("process_start_time_seconds", "gauge")
            .containsEntry("jvm_memory_used_bytes", "gauge")
            .containsEntry("jvm_buffer_pool_used_bytes", "gauge");
        assertThat(page.values.get("process_cpu_seconds_total")).isPositive();
        assertThat(page.values.get("process_start_time_seconds")).isPositive();
        assertThat(page.samples.get("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
        assertThat(page.samples).containsKey("jvm_buffer_pool_used_bytes{pool=\"direct\"}");
    }

    @Test
    void cpuSecondsGrowWithWork() {
        final long before = ProcessMetrics.processCpuNanos();
        long spin = 0;
        while (ProcessMetrics.processCpuNanos() - before < 20_000_000L) {
            spin++; // burn 20 ms of CPU; the loop ends as soon as the counter has moved that far
        }
        assertThat(spin).isPositive();
        assertThat(ProcessMetrics.processCpuNanos()).isGreaterThanOrEqualTo(before + 20_000_000L);
    }

    @Test
    void linuxPageHasResidentMemoryAndOpenFds() {
        assumeTrue(Files.isReadable(ProcessMetrics.PROC_SELF_STATUS), "Linux /proc only");
        final StringBuilder out = new StringBuilder();
        ProcessMetrics.system().write(out);
        final PrometheusTextParser page = PrometheusTextParser.parse(out.toString());

        assertThat(page.samples.get("process_resident_memory_bytes")).isGreaterThan(1024L * 1024);
        assertThat(page.samples.get("process_open_fds")).isPositive();
    }

    @Test
    void residentBytesIsVmRssInKibTimes1024() {
        assertThat(ProcessMetrics.residentBytes(STATUS)).isEqualTo(123_456L * 1024);
    }

    @Test
    void statusWithoutVmRssGivesMinusOne() {
        assertThat(ProcessMetrics.residentBytes("Name:\tjava\nVmRSS:\t kB\n")).isEqualTo(-1);
        assertThat(ProcessMetrics.residentBytes("Name:\tkthreadd\n")).isEqualTo(-1);
    }

    @Test
    void vmRssDigitsStopAtTheBoundSoTheProductCannotOverflow() {
        final String digits = "9".repeat(ProcessMetrics.MAX_DIGITS + 5);
        assertThat(ProcessMetrics.residentBytes("VmRSS:\t" + digits + " kB\n"))
            .isEqualTo(Long.parseLong("9".repeat(ProcessMetrics.MAX_DIGITS)) * 1024);
    }

    @Test
    void missingStatusFileLeavesTheFamilyOut(@TempDir final Path dir) {
        final StringBuilder out = new StringBuilder();
        ProcessMetrics.withStatusFile(dir.resolve("absent")).write(out);

        assertThat(out.toString()).doesNotContain("process_resident_memory_bytes")
            .contains("process_cpu_seconds_total");
    }

    @Test
    void statusFileIsReadOnlyUpToItsBound(@TempDir final Path dir) throws IOException {
        final Path big = dir.resolve("status");
        Files.writeString(big, "x".repeat(ProcessMetrics.MAX_STATUS_BYTES) + STATUS);
        assertThat(ProcessMetrics.residentBytes(big)).isEqualTo(-1);
        Files.writeString(big, "x".repeat(ProcessMetrics.MAX_STATUS_BYTES - STATUS.length()) + STATUS);
        assertThat(ProcessMetrics.residentBytes(big)).isEqualTo(123_456L * 1024);
    }
}
