package io.derpring.internal.metrics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every line must be a {@code # HELP}, a
 * {@code # TYPE} or a sample of the family those lines just declared; a family is declared once; a sample's
 * name and label set is unique. Fails with an {@link AssertionError} naming the line.
 */
public final class PrometheusTextParser {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL_VALUE = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=" + LABEL_VALUE;
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{" + LABEL + "(?:," + LABEL + ")*\\})? "
        + "(-?[0-9]+(?:\\.[0-9]+)?(?:E-?[0-9]+)?|NaN)");

    /** Each integer-valued sample as {@code name} or {@code name{labels}}, to its value, in page order. */
    public final Map<String, Long> samples = new LinkedHashMap<>();
    /** Every sample (fractional ones too: seconds of CPU) as {@code name} or {@code name{labels}}, to its value. */
    public final Map<String, Double> values = new LinkedHashMap<>();
    /** Each family's name to its type ("counter" or "gauge"). */
    public final Map<String, String> types = new LinkedHashMap<>();
    /** Each family's name to its help text, as written (still escaped). */
    public final Map<String, String> helps = new LinkedHashMap<>();

    private PrometheusTextParser() {
    }

    public static PrometheusTextParser parse(final String page) {
        final PrometheusTextParser p = new PrometheusTextParser();
        if (!page.endsWith("\n")) {
            throw new AssertionError("page does not end with a line feed");
        }
        final Set<String> declared = new HashSet<>();
        String family = null;
        int lineNo = 0;
        for (final String line : page.substring(0, page.length() - 1).split("\n", -1)) {
            lineNo++;
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                family = m.group(1);
                if (!declared.add(family)) {
                    throw new AssertionError("line " + lineNo + ": family declared twice: " + line);
                }
                p.helps.put(family, m.group(2));
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (!m.group(1).equals(family) || p.types.containsKey(family)) {
                    throw new AssertionError("line " + lineNo + ": TYPE not right after its HELP: " + line);
                }
                p.types.put(family, m.group(2));
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                if (family == null || !m.group(1).equals(family) || !p.types.containsKey(family)) {
                    throw new AssertionError("line " + lineNo + ": sample outside its family " + family + ": " + line);
                }
                final String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
                if (p.values.put(key, Double.parseDouble(m.group(3))) != null) {
                    throw new AssertionError("line " + lineNo + ": sample repeated: " + line);
                }
                if (m.group(3).matches("-?[0-9]+")) {
                    p.samples.put(key, Long.parseLong(m.group(3)));
                }
            } else {
                throw new AssertionError("line " + lineNo + " is not HELP, TYPE or a sample: " + line);
            }
        }
        return p;
    }
}
