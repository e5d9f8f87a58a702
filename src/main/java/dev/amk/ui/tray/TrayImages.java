package dev.amk.ui.tray;

import javax.imageio.ImageIO;
import java.awt.Image;
import java.awt.image.BaseMultiResolutionImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The menu-bar icon for macOS as one image with both resolutions: the 16 px template for ordinary screens and the
 * 32 px {@code @2x} one for Retina. AWT turns a MultiResolutionImage into an NSImage with one representation per
 * variant (openjdk CImage.Creator.createFromImage), so macOS picks the sharp one; FXTrayIcon's URL constructor
 * instead scales the 16 px file to 22 px and never reads {@code @2x}, which is blurry on every Mac display.
 */
final class TrayImages {
	private TrayImages() {
	}

	/** {@code NAMETemplate.png} and {@code NAMETemplate@2x.png} (NAME: tray, trayPaused, trayAlert) as one image, 16 pt. */
	static Image menuBar(String name) {
		return new BaseMultiResolutionImage(read(name + "Template.png"), read(name + "Template@2x.png"));
	}

	private static Image read(String file) {
		try (InputStream in = TrayImages.class.getResourceAsStream(file)) {
			if (in == null) {
				throw new IllegalStateException("missing tray image " + file);
			}
			return ImageIO.read(in);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
