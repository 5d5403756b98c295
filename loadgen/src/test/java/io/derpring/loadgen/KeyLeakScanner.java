package io.derpring.loadgen;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Searches text for secret key bytes in every form a careless log line or exception message would print them:
 * hex in either case (which covers {@code privkey:}, {@code nodekey:}-style and bare 64-digit forms), standard and
 * URL-safe base64, padded or not.
 */
final class KeyLeakScanner {
    /** 32 bytes in base64: 43 significant characters, then one '=' of padding. */
    private static final int BASE64_SIGNIFICANT_CHARS = 43;

    private final List<String> names = new ArrayList<>();
    private final List<List<String>> forms = new ArrayList<>();

    /** Adds a secret to search for, under a name that a finding reports (never the secret itself). */
    KeyLeakScanner secret(final String name, final byte[] key) {
        final String hex = HexFormat.of().formatHex(key);
        final String base64 = Base64.getEncoder().encodeToString(key).substring(0, BASE64_SIGNIFICANT_CHARS);
        final String base64Url = Base64.getUrlEncoder().encodeToString(key).substring(0, BASE64_SIGNIFICANT_CHARS);
        names.add(name);
        forms.add(List.of("hex:" + hex, "privkey:privkey:" + hex, "base64:" + base64, "base64url:" + base64Url));
        return this;
    }

    int secrets() {
        return names.size();
    }

    /** One line per (secret, form) found: {@code "<name> as <form>"}; empty when the text leaks nothing. */
    List<String> findIn(final String text) {
        final String lower = text.toLowerCase(Locale.ROOT);
        final List<String> findings = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (final String form : forms.get(i)) {
                final int colon = form.indexOf(':');
                final String kind = form.substring(0, colon);
                final String needle = form.substring(colon + 1);
                final boolean hexForm = kind.equals("hex") || kind.equals("privkey");
                if (hexForm ? lower.contains(needle) : text.contains(needle)) {
                    findings.add(names.get(i) + " as " + kind);
                }
            }
        }
        return findings;
    }
}
