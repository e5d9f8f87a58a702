/**
 * Small things every package uses: {@link dev.amk.common.AmkException} (an error type from the one catalogue,
 * {@link dev.amk.common.ErrorType}, plus a message written for a person), {@link dev.amk.common.InvalidInput} (a
 * refused field, worded by each front door with its own names for the fields), JSON, durations, and name rules.
 *
 * <p>Core, at the bottom: imports no other {@code dev.amk} package.
 */
package dev.amk.common;
