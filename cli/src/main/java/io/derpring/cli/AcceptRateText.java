package io.derpring.cli;

import java.util.Locale;

import picocli.CommandLine;

/**
 * {@code --accept-connection-limit}: connections per second as a decimal number, or {@code +Inf} / {@code inf} /
 * {@code Infinity} for no limit (derper prints its default as {@code +Inf}).
 */
final class AcceptRateText implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(final String text) {
        final String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("inf") || t.equals("+inf") || t.equals("infinity") || t.equals("+infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        final double v;
        try {
            v = Double.parseDouble(t);
        } catch (final NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a number of connections per second: '" + text + "'");
        }
        if (!(v >= 0)) {
            throw new CommandLine.TypeConversionException("must be >= 0 (or +Inf): '" + text + "'");
        }
        return v;
    }
}
