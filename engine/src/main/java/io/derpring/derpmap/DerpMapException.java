package io.derpring.derpmap;

/**
 * A DERP map is not acceptable: malformed JSON, a wrong JSON type, a value out of range, or a limit exceeded
 * (SPEC §5.10). The message names the field (as a path such as {@code Regions["900"].Nodes[1].STUNPort}) and the
 * value seen, shortened and with control characters escaped, since the map is untrusted input.
 *
 * <p>Unchecked, like {@code KeyFormatException}: the one caller that sees untrusted maps (the control client) catches
 * it and keeps its previous map.
 */
public final class DerpMapException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Quoted values in messages are cut to this many characters so a hostile map can't make huge messages. */
    static final int MAX_QUOTED_CHARS = 64;

    public DerpMapException(final String message) {
        super(message);
    }

    DerpMapException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /** This error, with {@code path} (where in the map it happened) in front of the message. */
    DerpMapException at(final String path) {
        final DerpMapException located = new DerpMapException(path + ": " + getMessage(), getCause());
        located.setStackTrace(getStackTrace());
        return located;
    }

    /** A value from the map, quoted for a message: at most {@link #MAX_QUOTED_CHARS} chars, control chars escaped. */
    static String quote(final String value) {
        if (value == null) {
            return "null";
        }
        final StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_QUOTED_CHARS) + 8).append('"');
        final int n = Math.min(value.length(), MAX_QUOTED_CHARS);
        for (int i = 0; i < n; i++) {
            final char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
        if (value.length() > n) {
            sb.append("... (").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }
}
