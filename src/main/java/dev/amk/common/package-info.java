/**
 * Small things every package uses: {@link dev.amk.common.AmkException} (an error type plus a message written for
 * a person), JSON, durations, and name rules.
 *
 * <p>Core, at the bottom: imports no other {@code dev.amk} package.
 */
package dev.amk.common;
