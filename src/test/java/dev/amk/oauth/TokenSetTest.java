package dev.amk.oauth;

import dev.amk.common.AmkException;
import dev.amk.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenSetTest {
	private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

	@Test
	void roundTripsThroughTheKeychainFormat() {
		TokenSet tokens = new TokenSet("at-1", "rt-1", T0.plusSeconds(3600), List.of("repo", "read:user"));
		assertEquals(tokens, TokenSet.fromJson(tokens.toJson()));
		TokenSet bare = new TokenSet("at-2", null, null, null);
		assertEquals(bare, TokenSet.fromJson(bare.toJson()));
	}

	@Test
	void itsStringFormNeverShowsATokenAndADamagedItemSaysReconnect() {
		TokenSet tokens = new TokenSet("at-SECRET", "rt-SECRET", T0, List.of("repo"));
		assertFalse(tokens.toString().contains("SECRET"), tokens.toString());
		AmkException e = assertThrows(AmkException.class, () -> TokenSet.fromJson("{\"refresh_token\":\"rt-SECRET\"}"));
		assertEquals("oauth_tokens_unreadable", e.type());
		assertFalse(e.getMessage().contains("SECRET"));
		assertEquals("oauth_tokens_unreadable", assertThrows(AmkException.class, () -> TokenSet.fromJson("not json")).type());
	}

	@Test
	void isDueForRefreshWithinTheMarginAndNeverWithoutAnExpiry() {
		MutableClock clock = new MutableClock(T0);
		TokenSet tokens = new TokenSet("at", "rt", T0.plusSeconds(120), null);
		assertFalse(tokens.expiresWithin(Duration.ofSeconds(60), clock));
		clock.advance(Duration.ofSeconds(60));
		assertTrue(tokens.expiresWithin(Duration.ofSeconds(60), clock), "at exactly the margin it is due");
		assertFalse(tokens.expired(clock));
		clock.advance(Duration.ofSeconds(60));
		assertTrue(tokens.expired(clock));
		assertFalse(new TokenSet("at", null, null, null).expiresWithin(Duration.ofDays(365), clock));
	}

	@Test
	void aRefreshKeepsTheRefreshTokenAndScopesTheResponseLeftOut() {
		TokenSet old = new TokenSet("at-1", "rt-1", T0, List.of("repo"));
		TokenSet merged = old.refreshedWith(new TokenSet("at-2", null, T0.plusSeconds(3600), null));
		assertEquals(new TokenSet("at-2", "rt-1", T0.plusSeconds(3600), List.of("repo")), merged);
		TokenSet rotated = old.refreshedWith(new TokenSet("at-3", "rt-3", null, List.of("read")));
		assertEquals("rt-3", rotated.refreshToken());
		assertEquals(List.of("read"), rotated.scopes());
		assertNull(rotated.expiresAt());
	}

	@Test
	void scopesSplitOnSpacesOrCommas() {
		assertEquals(List.of("a", "b", "c"), TokenSet.splitScopes(" a b,c "));
		assertEquals(List.of(), TokenSet.splitScopes("  "));
	}
}
