/**
 * The running broker and the one place services are built. {@link dev.amk.broker.Services} constructs every
 * service (lazily for a CLI command, all at once for the broker) and links them: in the broker process each
 * commit reloads the access registry. {@link dev.amk.broker.Broker} starts and stops them in order;
 * {@link dev.amk.broker.BrokerProcess} is the long-running process around it ({@code amk serve}, {@code amk
 * app}): log file, shutdown hook, {@code broker.json}. Also where data lives ({@link dev.amk.broker.AmkHome})
 * and how the process logs ({@link dev.amk.broker.Logging}).
 *
 * <p>Core: the front ends ({@code cli}, {@code ui}, {@code launcher}) build on it. May import every other core
 * package; never {@code ui}, {@code cli}, {@code launcher} or JavaFX.
 */
package dev.amk.broker;
