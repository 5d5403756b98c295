package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/** {@code --html}: the page is well-formed XML, refers to nothing outside itself, and carries the run's series. */
class HtmlReportTest {
    @TempDir
    Path dir;

    /** A strict parser: no DTD loading, no external entities; a malformed page throws. */
    static Document parse(final String html) throws Exception {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        final DocumentBuilder builder = f.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** Nothing the page could fetch: no src or href, no script, no CSS url() or import, no URL anywhere. */
    static void assertSelfContained(final String html, final Document doc) {
        assertThat(html).doesNotContain("://").doesNotContain("url(").doesNotContain("@import")
            .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
            .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("<iframe");
        final NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            final NamedNodeMap attrs = all.item(i).getAttributes();
            for (int a = 0; a < attrs.getLength(); a++) {
                final String name = attrs.item(a).getNodeName().toLowerCase();
                assertThat(name).as("attribute of <%s>", all.item(i).getNodeName())
                    .isNotIn("src", "href", "xlink:href", "srcset", "action", "data", "poster");
                assertThat(attrs.item(a).getNodeValue()).doesNotContain("//");
            }
        }
    }

    static Map<String, Object> sampleJson() {
        final TimeSeries series = new TimeSeries();
        for (int i = 1; i <= 7; i++) {
            series.add(i, i < 3 ? "warmup" : "measure", 1000.0 * i, 10 * i, 50 * i, 90 * i);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("pairs", 4);
        json.put("size", 1200);
        json.put("client", "raw");
        json.put("transport", "epoll");
        json.put("relays", List.of("http://127.0.0.1:3340", "https://relay.example:443"));
        json.put("sent", 100L);
        json.put("received", 90L);
        json.put("dropped_by_relay", 6L);
        json.put("relay_drops_known", true);
        json.put("dropped_by_client_detail", Map.of("connection.queue_full", 4L));
        json.put("unexplained_lost", 0L);
        json.put("ok", true);
        json.put("note", "<b>&\"'");
        json.put("series", series.toJsonMap());
        return json;
    }

    private static List<Element> polylines(final Document doc, final String svgId) {
        final Element svg = doc.getElementById(svgId) != null ? doc.getElementById(svgId) : byId(doc, svgId);
        final NodeList lines = svg.getElementsByTagName("polyline");
        final java.util.ArrayList<Element> out = new java.util.ArrayList<>();
        for (int i = 0; i < lines.getLength(); i++) {
            out.add((Element) lines.item(i));
        }
        return out;
    }

    /** No DTD, so "id" is not an ID attribute to the parser: find it by hand. */
    private static Element byId(final Document doc, final String id) {
        final NodeList all = doc.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            final Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        throw new AssertionError("no element with id " + id);
    }

    @Test
    void pageIsWellFormedAndSelfContained() throws Exception {
        final String html = HtmlReport.render(sampleJson());
        assertSelfContained(html, parse(html));
    }

    @Test
    void chartsCarryOnePointPerSample() throws Exception {
        final Document doc = parse(HtmlReport.render(sampleJson()));
        final List<Element> throughput = polylines(doc, "throughput");
        assertThat(throughput).hasSize(1);
        assertThat(throughput.get(0).getAttribute("points").trim().split(" ")).hasSize(7);
        final List<Element> latency = polylines(doc, "latency");
        assertThat(latency).extracting(e -> e.getAttribute("data-series")).containsExactly("p50", "p99", "p99.9");
        for (final Element line : latency) {
            assertThat(line.getAttribute("points").trim().split(" ")).hasSize(7);
        }
        assertThat(byId(doc, "samples").getElementsByTagName("tr").getLength()).as("header + samples").isEqualTo(8);
    }

    @Test
    void dropsShowEveryReason() throws Exception {
        final Document doc = parse(HtmlReport.render(sampleJson()));
        final String drops = byId(doc, "drops").getTextContent();
        assertThat(drops).contains("relay (all reasons)", "client: connection.queue_full", "unexplained");
        assertThat(byId(doc, "drops").getElementsByTagName("rect").getLength()).isEqualTo(4);
    }

    @Test
    void relayCpuIsNotMeasuredWithoutTheKey() throws Exception {
        final Document doc = parse(HtmlReport.render(sampleJson()));
        assertThat(byId(doc, "relay-cpu").getTextContent()).startsWith("not measured");
    }

    @Test
    void relayCpuIsShownWhenTheReportHasIt() throws Exception {
        final Map<String, Object> json = sampleJson();
        json.put("relay_cpu_s", 1.5);
        json.put("relay_cpu_us_per_pkt", 4.25);
        final Document doc = parse(HtmlReport.render(json));
        assertThat(byId(doc, "relay-cpu").getTextContent()).contains("4.25 µs").contains("1.500 s");
    }

    @Test
    void urlsAreShownWithoutTheirScheme() {
        assertThat(HtmlReport.text(List.of("http://127.0.0.1:3340", "wss://a.example:443")))
            .isEqualTo("[127.0.0.1:3340 (http), a.example:443 (wss)]");
    }

    @Test
    void settingsEscapeMarkup() throws Exception {
        final Document doc = parse(HtmlReport.render(sampleJson()));
        assertThat(byId(doc, "settings").getTextContent()).contains("<b>&\"'");
    }

    @Test
    void emptySeriesStillRenders() throws Exception {
        final Map<String, Object> json = sampleJson();
        json.remove("series");
        final String html = HtmlReport.render(json);
        assertSelfContained(html, parse(html));
        assertThat(html).contains("no samples");
    }

    @Test
    @Timeout(60)
    void aRunWritesThePageWithItsSeries() throws Exception {
        final Path html = dir.resolve("run.html");
        final LoadReport r = LoadGeneratorTest.run(LoadGeneratorTest.shortRun().duration(Duration.ofMillis(2500))
            .htmlFile(html).build());
        final String page = Files.readString(html);
        final Document doc = parse(page);
        assertSelfContained(page, doc);
        final int samples = ((List<?>) r.series().get("t_s")).size();
        assertThat(samples).as("one sample a second of a ~2.7 s run").isBetween(2, 4);
        assertThat(polylines(doc, "throughput").get(0).getAttribute("points").trim().split(" ")).hasSize(samples);
        assertThat(page).contains("not measured");
    }
}
