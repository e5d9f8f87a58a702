/**
 * Cloud accounts served through the proxy mode: AWS connections whose requests the broker signs again with SigV4
 * using per-agent STS session credentials that carry the grant's session policy, and what a grant on a cloud
 * connection means ({@link dev.amk.cloud.CloudScope}). The agent never holds an AWS key, not even a temporary one.
 *
 * <p>Core. May import {@code agents}, {@code connections}, {@code providers}, {@code common}; never {@code proxy},
 * {@code ui}, {@code cli}, {@code launcher} or JavaFX. The proxy calls in through {@link dev.amk.cloud.AwsRequestSigning}.
 */
package dev.amk.cloud;
