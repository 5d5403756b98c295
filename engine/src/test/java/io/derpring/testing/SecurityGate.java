package io.derpring.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a test that pins a security rule (SECURITY.md, "Security gates"). Loosening such a test is a security
 * change, not a test cleanup. {@code .ci/run} runs every one of them again on the newest JDK with
 * {@code -Dgroups=security-gate}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(SecurityGate.TAG)
public @interface SecurityGate {
    String TAG = "security-gate";
}
