package dev.amk.testing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test that is about the real OS keychain, or that runs {@code amk} as a separate process that stores or
 * reads secrets (a process cannot see the test's in-memory store). It carries the tag {@value #TAG}, so that {@code scripts/test.sh --fast} can leave it
 * out, and it skips each such test before its set-up runs when no keychain answers, or fails it under
 * {@code AMK_REQUIRE_KEYRING=1} ({@link TestKeychain#require()}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(NeedsKeychain.TAG)
@ExtendWith(TestKeychain.Gate.class)
public @interface NeedsKeychain {
	String TAG = "keychain";
}
