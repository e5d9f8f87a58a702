/**
 * The {@code amk} command line (picocli): one class per command, the exit codes and the {@code --json} output of
 * docs/contract.md. Commands take their services from {@link dev.amk.cli.CliContext}, built lazily by
 * {@link dev.amk.broker.Services}; {@code amk serve} and {@code amk app} run
 * {@link dev.amk.broker.BrokerProcess}, and {@code amk app} shows its menu-bar app through the
 * {@link dev.amk.cli.DesktopStarter} the launcher gives it.
 *
 * <p>Outer layer. May import the core packages; never {@code ui}, {@code launcher} or JavaFX, so that every
 * command starts fast and works without a display.
 */
package dev.amk.cli;
