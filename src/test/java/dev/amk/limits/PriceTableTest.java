package dev.amk.limits;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PriceTableTest {
	@TempDir
	Path dir;

	@Test
	@DisplayName("the longest matching entry prices a dated model name; an unknown model has no price")
	void longestMatch() {
		PriceTable t = PriceTable.bundled();
		assertEquals("gpt-4o-mini", t.of("gpt-4o-mini-2024-07-18").match());
		assertEquals("gpt-4o", t.of("gpt-4o-2024-08-06").match());
		assertEquals("gemini-2.5-flash-lite", t.of("models/gemini-2.5-flash-lite").match());
		assertNull(t.of("my-local-llama"));
		assertEquals(6000, t.of("gpt-4o").costMicroUsd(1200, 300));
	}

	@Test
	@DisplayName("prices.json in the data folder replaces and adds entries; a broken one is ignored")
	void override() throws Exception {
		Path file = dir.resolve("prices.json");
		Files.writeString(file, "{\"as_of\":\"2027-01-01\",\"models\":[{\"match\":\"gpt-4o\",\"input\":1,\"output\":2},"
				+ "{\"match\":\"my-local-llama\",\"input\":0,\"output\":0}]}");
		PriceTable t = PriceTable.load(file);
		assertEquals("2027-01-01", t.asOf());
		assertEquals(1.0, t.of("gpt-4o").input());
		assertEquals(0.15, t.of("gpt-4o-mini").input(), "bundled entries stay");
		assertEquals("my-local-llama", t.of("my-local-llama").match());

		Files.writeString(file, "{not json");
		assertEquals(PriceTable.bundled().asOf(), PriceTable.load(file).asOf());
	}
}
