package dev.amk.settings;

import dev.amk.common.AmkException;
import dev.amk.common.AtomicFiles;
import dev.amk.common.ErrorType;
import dev.amk.common.InvalidInput;
import dev.amk.proxy.ProxySettings;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The user's preferences, in {@code settings.properties} in the data folder: plain values only, never a
 * secret. Written atomically (temp file + rename) so that a crash never leaves half a file.
 *
 * @param port           the proxy port used when neither --port nor AMK_PORT says otherwise
 * @param launchAtLogin  start the menu-bar app when the user logs in
 * @param notifyOnDenied raise a system notification when a request is denied
 * @param allowContainers serve agents in containers too (host.docker.internal, the docker0 bridge); off by default
 */
public record Settings(int port, boolean launchAtLogin, boolean notifyOnDenied, boolean allowContainers) {
	public static final Settings DEFAULTS = new Settings(ProxySettings.DEFAULT_PORT, false, true, false);
	private static final String FILE = "settings.properties";

	public Settings {
		if (port < 1 || port > 65535) {
			throw new InvalidInput(InvalidInput.Field.PORT, InvalidInput.Problem.MALFORMED, "The port must be between 1 and 65535.");
		}
	}

	public static Settings load(Path dataDir) {
		Path file = dataDir.resolve(FILE);
		if (!Files.exists(file)) {
			return DEFAULTS;
		}
		Properties p = new Properties();
		try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			p.load(in);
		} catch (IOException e) {
			throw new AmkException(ErrorType.SETTINGS_UNREADABLE, "Cannot read " + file + ": " + e.getMessage() + ". Fix or delete the file.", e);
		}
		try {
			return new Settings(
					Integer.parseInt(p.getProperty("port", String.valueOf(DEFAULTS.port())).strip()),
					Boolean.parseBoolean(p.getProperty("launchAtLogin", String.valueOf(DEFAULTS.launchAtLogin())).strip()),
					Boolean.parseBoolean(p.getProperty("notifyOnDenied", String.valueOf(DEFAULTS.notifyOnDenied())).strip()),
					Boolean.parseBoolean(p.getProperty("allowContainers", String.valueOf(DEFAULTS.allowContainers())).strip()));
		} catch (NumberFormatException e) {
			throw new AmkException(ErrorType.SETTINGS_UNREADABLE, "The port in " + file + " is not a number. Fix or delete the file.", e);
		}
	}

	public void save(Path dataDir) {
		Properties p = new Properties();
		p.setProperty("port", String.valueOf(port));
		p.setProperty("launchAtLogin", String.valueOf(launchAtLogin));
		p.setProperty("notifyOnDenied", String.valueOf(notifyOnDenied));
		p.setProperty("allowContainers", String.valueOf(allowContainers));
		try {
			Files.createDirectories(dataDir);
			StringWriter out = new StringWriter();
			p.store(out, "Agent Master Key settings");
			AtomicFiles.replace(dataDir.resolve(FILE), out.toString().getBytes(StandardCharsets.UTF_8));
		} catch (IOException e) {
			throw new AmkException(ErrorType.SETTINGS_UNWRITABLE, "Cannot save settings in " + dataDir + ": " + e.getMessage(), e);
		}
	}

	public Settings withPort(int newPort) {
		return new Settings(newPort, launchAtLogin, notifyOnDenied, allowContainers);
	}

	public Settings withLaunchAtLogin(boolean value) {
		return new Settings(port, value, notifyOnDenied, allowContainers);
	}

	public Settings withNotifyOnDenied(boolean value) {
		return new Settings(port, launchAtLogin, value, allowContainers);
	}

	public Settings withAllowContainers(boolean value) {
		return new Settings(port, launchAtLogin, notifyOnDenied, value);
	}
}
