package dev.amk.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The system properties that decide how the desktop toolkits behave, set by {@link Main} before AWT or JavaFX
 * loads: both read them once, when their first class initialises, and ignore later changes. This class must
 * therefore touch neither toolkit.
 */
final class MacDesktopProperties {
	private MacDesktopProperties() {
	}

	/**
	 * Applies {@link #forLaunch} to this process: {@code launchctl managername} answers whether a window-server
	 * session is there (only asked for the app on macOS).
	 */
	static void apply(String command) {
		String os = System.getProperty("os.name", "");
		forLaunch(command, os, System.getenv(), MacDesktopProperties::launchdSessionType).forEach(System::setProperty);
	}

	/**
	 * The properties for {@code command} on {@code osName}.
	 *
	 * <ul>
	 * <li>{@code apple.awt.UIElement}: no Dock icon when AWT starts the application itself (as for the tray's
	 * AWT icon in a CLI process). Set for the app everywhere, as before, and for every command on macOS.
	 * <li>{@code glass.taskbarApplication=false}, the app on macOS: JavaFX starts first, and glass turns the
	 * process into a foreground application with a Dock icon unless this property is "false"; with it, glass
	 * makes it a UI element instead (openjfx MacApplication.runLoop and GlassApplication.m, the
	 * kProcessTransformToUIElementApplication branch). apple.awt.UIElement does not help there, since AWT then
	 * runs embedded in glass's NSApplication.
	 * <li>{@code apple.awt.enableTemplateImages=true}, the app on macOS: only then does AWT mark a tray image as a
	 * template, which macOS tints for light and dark menu bars (openjdk CTrayIcon.useTemplateImages, read once in
	 * a static initialiser).
	 * <li>{@code java.awt.headless=true}, the app on macOS without a window-server session (over SSH): the app
	 * then runs as {@code amk serve} and says so, instead of trying to reach a screen it may not own.
	 * </ul>
	 *
	 * @param sessionType the launchd session type ({@code launchctl managername}): "Aqua" in a login session
	 *                    with a window server, another name (expected: "Background") over SSH; null if unknown
	 */
	static Map<String, String> forLaunch(String command, String osName, Map<String, String> env, Supplier<String> sessionType) {
		boolean mac = osName.toLowerCase(Locale.ROOT).startsWith("mac");
		boolean app = command.equals("app");
		Map<String, String> properties = new LinkedHashMap<>();
		if (app || mac) {
			properties.put("apple.awt.UIElement", "true");
		}
		if (app && mac) {
			properties.put("glass.taskbarApplication", "false");
			properties.put("apple.awt.enableTemplateImages", "true");
			if (!hasWindowServer(env, sessionType.get())) {
				properties.put("java.awt.headless", "true");
			}
		}
		return properties;
	}

	/**
	 * A window-server (Aqua) session: what launchd says when it answers (Apple's launchctl(1): a process in a
	 * GUI login session is in the "Aqua" session); otherwise not over SSH.
	 */
	static boolean hasWindowServer(Map<String, String> env, String sessionType) {
		if (sessionType != null) {
			return sessionType.strip().equals("Aqua");
		}
		return env.get("SSH_CONNECTION") == null && env.get("SSH_TTY") == null && env.get("SSH_CLIENT") == null;
	}

	/** {@code launchctl managername}, or null if it cannot be asked (not macOS, or no answer within 2 s). */
	static String launchdSessionType() {
		try {
			Process p = new ProcessBuilder("/bin/launchctl", "managername").redirectErrorStream(true).start();
			if (!p.waitFor(2, TimeUnit.SECONDS)) {
				p.destroy();
				return null;
			}
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			return p.exitValue() == 0 && !out.isEmpty() ? out : null;
		} catch (IOException e) {
			return null;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return null;
		}
	}
}
