package dev.amk.ui.settings;

import dev.amk.ca.LocalCa;
import dev.amk.ca.OsTrust;
import dev.amk.secrets.InMemorySecretStore;
import javafx.scene.Scene;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.amk.testing.FxScreen.find;
import static dev.amk.testing.FxScreen.showing;
import static dev.amk.testing.FxScreen.text;
import static dev.amk.testing.FxScreen.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings' local CA section, headless: its state, and Trust… on Linux (commands to copy) and on macOS (asks, then runs security). */
@ExtendWith(ApplicationExtension.class)
class CaSectionTest {
	@TempDir
	Path dir;

	Stage stage;
	ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
	InMemorySecretStore keychain = new InMemorySecretStore();
	final List<List<String>> ran = new CopyOnWriteArrayList<>();

	@Start
	void start(Stage stage) {
		this.stage = stage;
	}

	@AfterEach
	void stop() {
		background.shutdown();
	}

	LocalCa ca() {
		return new LocalCa(dir.resolve("home"), keychain, Clock.systemUTC());
	}

	void show(FxRobot robot, OsTrust os, boolean answer) {
		robot.interact(() -> {
			stage.setScene(new Scene(new CaSection(ca(), os, background, fingerprint -> answer), 640, 400));
			stage.show();
		});
	}

	@Test
	@DisplayName("Linux: before a CA exists it says so; Trust… makes one and shows the distribution's commands to copy")
	void linux(FxRobot robot) throws Exception {
		Path release = Files.writeString(dir.resolve("os-release"), "ID=debian\n");
		show(robot, new OsTrust.Linux(release, List.of()), true);
		waitUntil("the state is shown", () -> text(robot, "#settings-ca-fingerprint").startsWith("Not made yet"));
		assertFalse(showing(robot, "#settings-ca-commands"));

		robot.clickOn("#settings-ca-trust");
		waitUntil("the commands are shown", () -> showing(robot, "#settings-ca-commands"));
		String pem = ca().certificatePath().toString();
		assertEquals("sudo cp " + pem + " /usr/local/share/ca-certificates/agent-master-key.crt && sudo update-ca-certificates",
				find(robot, "#settings-ca-commands", TextArea.class).getText());
		waitUntil("the new CA's fingerprint is shown", () -> text(robot, "#settings-ca-fingerprint").startsWith("SHA-256 "
				+ ca().existing().orElseThrow().fingerprint()));
		assertEquals(pem, text(robot, "#settings-ca-path"));
		assertEquals("Unknown here.", text(robot, "#settings-ca-trusted"));
	}

	@Test
	@DisplayName("macOS: Trust… asks first; 'no' changes nothing, 'yes' runs security add-trusted-cert")
	void mac(FxRobot robot) {
		OsTrust.Commands commands = (argv, timeout) -> {
			ran.add(argv);
			return new OsTrust.Commands.Result(argv.get(1).equals("verify-cert") ? 1 : 0, "");
		};
		show(robot, new OsTrust.Mac(Path.of("/Users/me"), commands), false);
		robot.clickOn("#settings-ca-trust");
		waitUntil("the refusal is shown", () -> text(robot, "#settings-ca-message").equals("Nothing changed."));
		assertTrue(ran.stream().noneMatch(a -> a.get(1).equals("add-trusted-cert")), ran.toString());

		show(robot, new OsTrust.Mac(Path.of("/Users/me"), commands), true);
		robot.clickOn("#settings-ca-trust");
		waitUntil("the result is shown", () -> text(robot, "#settings-ca-message").startsWith("macOS now trusts the local CA"));
		assertTrue(ran.contains(List.of("/usr/bin/security", "add-trusted-cert", "-r", "trustRoot", "-k", "/Users/me/Library/Keychains/login.keychain-db",
				ca().certificatePath().toString())), ran.toString());
		assertFalse(showing(robot, "#settings-ca-commands"));
	}
}
