package io.derpring.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import io.derpring.runtime.InvalidConfigException;
import picocli.CommandLine;

/** Durations as people type them: {@code 15} (seconds), {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1.5s}, or ISO {@code PT15S}. */
final class DurationText implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(final String text) {
        return parse(text);
    }

    static Duration parse(final String text) {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(text.trim());
            } catch (final DateTimeParseException e) {
                throw new InvalidConfigException("bad duration '" + text + "'");
            }
        }
        final String number;
        final double nanosPerUnit;
        if (t.endsWith("ms")) {
            number = t.substring(0, t.length() - 2);
            nanosPerUnit = 1e6;
        } else if (t.endsWith("s")) {
            number = t.substring(0, t.length() - 1);
            nanosPerUnit = 1e9;
        } else if (t.endsWith("m")) {
            number = t.substring(0, t.length() - 1);
            nanosPerUnit = 60e9;
        } else {
            number = t;
            nanosPerUnit = 1e9;
        }
        final double value;
        try {
            value = Double.parseDouble(number.trim());
        } catch (final NumberFormatException e) {
            throw new InvalidConfigException("bad duration '" + text + "': use e.g. 15, 15s, 500ms or 2m");
        }
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            throw new InvalidConfigException("bad duration '" + text + "': must be >= 0");
        }
        return Duration.ofNanos(Math.round(value * nanosPerUnit));
    }
}
