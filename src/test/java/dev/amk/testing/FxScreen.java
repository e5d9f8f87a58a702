package dev.amk.testing;

import javafx.geometry.BoundingBox;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the UI tests look at: only nodes really on screen (virtualised controls keep invisible cells for measuring,
 * dialogs hide parts of themselves, earlier tests' scenes linger without a window), and waits on conditions, never
 * on time.
 */
public final class FxScreen {
	/** An upper bound only: each wait ends as soon as its condition holds. */
	private static final long WAIT_SECONDS = 15;

	private FxScreen() {
	}

	public static void waitUntil(String what, Callable<Boolean> condition) {
		try {
			WaitForAsyncUtils.waitFor(WAIT_SECONDS, TimeUnit.SECONDS, condition);
		} catch (TimeoutException e) {
			throw new AssertionError("timed out waiting until " + what, e);
		}
	}

	public static boolean onScreen(Node n) {
		for (Node p = n; p != null; p = p.getParent()) {
			if (!p.isVisible()) {
				return false;
			}
		}
		Scene scene = n.getScene();
		if (scene == null || scene.getWindow() == null || !scene.getWindow().isShowing()) {
			return false;
		}
		// TestFX's clickOn also wants the node inside its scene: a window shown but not yet laid out has it elsewhere.
		return new BoundingBox(0, 0, scene.getWidth(), scene.getHeight()).intersects(n.localToScene(n.getBoundsInLocal()));
	}

	public static boolean showing(FxRobot robot, String id) {
		return robot.lookup(id).match(FxScreen::onScreen).tryQuery().isPresent();
	}

	public static <T extends Node> T find(FxRobot robot, String id, Class<T> type) {
		return robot.lookup(id).match(FxScreen::onScreen).queryAs(type);
	}

	/** The text of a label or button on screen; empty when there is none. */
	public static String text(FxRobot robot, String id) {
		return robot.lookup(id).match(FxScreen::onScreen).tryQuery().map(n -> ((Labeled) n).getText()).orElse("");
	}

	/** Replaces a text field's content by typing, as a person would, and checks it arrived. */
	public static void typeInto(FxRobot robot, String id, String text) {
		TextField field = find(robot, id, TextField.class);
		robot.interact(field::clear);
		robot.clickOn(field).write(text);
		assertEquals(text, field.getText());
	}
}
