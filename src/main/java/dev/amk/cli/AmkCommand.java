package dev.amk.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code amk}: the root of the command line. */
@Command(name = "amk", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = AmkCommand.Version.class,
		description = "Agent Master Key: give every AI agent its own revocable key; real secrets stay in the OS keychain.",
		subcommands = {AppCommand.class, ServeCommand.class, ConnectionCommand.class, AgentCommand.class, AuditCommand.class, UsageCommand.class,
				CaCommand.class, RunCommand.class, McpCommand.class, DoctorCommand.class, CommandLine.HelpCommand.class})
public final class AmkCommand implements Runnable {
	final CliContext ctx;

	@Spec
	CommandSpec spec;

	public AmkCommand(CliContext ctx) {
		this.ctx = ctx;
	}

	@Override
	public void run() {
		spec.commandLine().usage(ctx.out());
	}

	static final class Version implements CommandLine.IVersionProvider {
		@Override
		public String[] getVersion() {
			String v = AmkCommand.class.getPackage().getImplementationVersion();
			if (v == null) {
				v = System.getProperty("jpackage.app-version"); // the installed app: jpackage passes jpackage.cfg's --app-version
			}
			return new String[] {"Agent Master Key " + (v == null ? "(development build)" : v)};
		}
	}

	/** Shared by every leaf command: the context and the --json switch. */
	abstract static class Leaf implements java.util.concurrent.Callable<Integer> {
		@Spec
		CommandSpec spec;

		@CommandLine.Mixin
		Output output;

		CliContext ctx() {
			return ((AmkCommand) spec.root().userObject()).ctx;
		}

		boolean json() {
			return output.json();
		}

		/** Prints {@code json} with --json, else the sentence for a person. */
		void respond(Object json, String text) {
			if (json()) {
				Output.printJson(ctx().out(), json);
			} else {
				ctx().out().println(text);
				ctx().out().flush();
			}
		}
	}

	/** A leaf command about one named thing. */
	abstract static class NamedLeaf extends Leaf {
		@CommandLine.Parameters(index = "0", paramLabel = "NAME")
		String name;
	}

	/** A command that only groups others ({@code amk agent}, {@code amk connection}): alone, it shows its usage. */
	abstract static class Group implements Runnable {
		@Spec
		CommandSpec spec;

		@Override
		public void run() {
			spec.commandLine().usage(((AmkCommand) spec.root().userObject()).ctx.out());
		}
	}
}
