/**
 * Everything the broker knows about each provider it supports, one class per provider ({@link dev.amk.providers.OpenAi},
 * {@link dev.amk.providers.GitHub}, {@link dev.amk.providers.Custom}…), each a {@link dev.amk.providers.ProviderSpec},
 * listed in the {@link dev.amk.providers.Providers} catalogue. Also the data they are made of: how a secret is injected
 * ({@link dev.amk.providers.Injection}), setup snippets, the connection-test probe, owned hosts and OAuth profiles.
 *
 * <p>Pure data and text: no I/O, no keychain, no HTTP. It may import {@code dev.amk.common} and OkHttp's
 * {@code HttpUrl} only; {@code connections}, {@code oauth}, {@code proxy}, {@code cli} and {@code ui} import it, never
 * the other way round. Code elsewhere never tests for one particular provider: it asks the spec.
 */
package dev.amk.providers;
