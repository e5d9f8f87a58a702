package dev.amk.cli;

import dev.amk.providers.ProviderSpec;
import dev.amk.providers.Providers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's lists of providers come from the catalogue: a provider added there shows up in help and completion. */
class ProviderOptionsTest {
	private final CommandLine amk = new CommandLine(new AmkCommand(null));

	private CommandLine command(String... path) {
		CommandLine c = amk;
		for (String name : path) {
			c = c.getSubcommands().get(name);
		}
		return c;
	}

	private static List<String> candidates(CommandLine command) {
		Iterable<String> values = command.getCommandSpec().findOption("--provider").completionCandidates();
		return StreamSupport.stream(values.spliterator(), false).toList();
	}

	private static String help(CommandLine command) {
		StringWriter text = new StringWriter();
		command.usage(new PrintWriter(text));
		return text.toString();
	}

	private static List<String> ids(List<ProviderSpec> providers) {
		return providers.stream().map(ProviderSpec::id).toList();
	}

	@Test
	@DisplayName("connection add offers exactly the providers that take a key; connection connect those that sign in with OAuth")
	void completionCandidates() {
		assertEquals(ids(Providers.withApiKeys()), candidates(command("connection", "add")));
		assertEquals(ids(Providers.withOAuth()), candidates(command("connection", "connect")));
	}

	@Test
	@DisplayName("every provider appears in the help of the command that connects it, and in the bash completion script")
	void everyProviderIsListed() {
		String addHelp = help(command("connection", "add"));
		String connectHelp = help(command("connection", "connect"));
		String completion = AutoComplete.bash("amk", amk);
		Set<String> listed = new HashSet<>();
		for (ProviderSpec p : Providers.all()) {
			String help = p.takesApiKey() ? addHelp : connectHelp;
			assertTrue(help.contains(p.id()), p.id() + " missing from\n" + help);
			if (p.oauth().isPresent()) {
				assertTrue(connectHelp.contains(p.id()), p.id() + " missing from\n" + connectHelp);
			}
			assertTrue(completion.lines().anyMatch(l -> l.contains("PROVIDER_option_args=") && l.contains("\"" + p.id() + "\"")),
					p.id() + " missing from the completion script's --provider values");
			listed.add(p.id());
		}
		assertEquals(new HashSet<>(ids(Providers.all())), listed);
	}
}
