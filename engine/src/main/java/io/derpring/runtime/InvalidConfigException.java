package io.derpring.runtime;

/** A configuration value is out of range or inconsistent; the message names the setting, the value and the range. */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(final String message) {
        super(message);
    }

    /** Fails fast unless {@code min <= value <= max}. */
    public static int requireInRange(final String setting, final int value, final int min, final int max) {
        if (value < min || value > max) {
            throw new InvalidConfigException(setting + " = " + value + " is outside [" + min + ", " + max + "]");
        }
        return value;
    }

    /** Fails fast unless {@code value} is a power of two in {@code [min, max]}. */
    public static int requirePowerOfTwo(final String setting, final int value, final int min, final int max) {
        requireInRange(setting, value, min, max);
        if (Integer.bitCount(value) != 1) {
            throw new InvalidConfigException(setting + " = " + value + " must be a power of two");
        }
        return value;
    }
}
