/*
 * AppIcon: generates the application icon of Agent Master Key: PNG sizes for Linux and an .icns for macOS.
 *
 * Usage (JDK 25; a multi-file source launch that reuses TrayIcons.java beside this file):
 *
 *     java icons/src/AppIcon.java OUTPUT_DIR
 *
 * writes OUTPUT_DIR/png/agent-master-key-N.png for N = 16, 32, 48, 64, 128, 256, 512, 1024 and
 * OUTPUT_DIR/AppIcon.icns.
 *
 * What it draws: the tray icon's key (TrayIcons.key(), the same 16 x 16 design: round bow, shaft, two teeth),
 * in brass on a deep-blue rounded tile, so the app icon and the menu-bar icon are visibly the same mark.
 * From 64 px up the tile follows the macOS layout (an 824 px tile with 100 px of transparent margin on a
 * 1024 px canvas, corner radius 185, and a soft shadow). Below that a margin is wasted pixels, so 16 and 32 px
 * fill the canvas and the key grows to almost its width: at 16 px the key spans 12 px, still a ring, a shaft
 * and two teeth.
 *
 * Every size is drawn from the shapes at that size (no downscaling), with only Java2D shapes and no fonts, so
 * the output is the same on every machine.
 *
 * The .icns container is written here too (no iconutil needed, so it builds on Linux): the 'icns' magic and
 * the total length, then one chunk per image: a four-letter type, the chunk length, and a PNG. The types are
 * the PNG-capable ones macOS reads: icp4 (16), icp5 (32), ic11 (16@2x), icp6 (64), ic12 (32@2x), ic07 (128),
 * ic13 (128@2x), ic08 (256), ic14 (256@2x), ic09 (512), ic10 (512@2x, 1024 px).
 */

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

public class AppIcon {

	static final int[] PNG_SIZES = {16, 32, 48, 64, 128, 256, 512, 1024};

	/** .icns chunk type to pixel size, in the order iconutil writes them. */
	static final Map<String, Integer> ICNS_TYPES = new LinkedHashMap<>();

	static {
		ICNS_TYPES.put("icp4", 16);
		ICNS_TYPES.put("icp5", 32);
		ICNS_TYPES.put("ic11", 32);
		ICNS_TYPES.put("icp6", 64);
		ICNS_TYPES.put("ic12", 64);
		ICNS_TYPES.put("ic07", 128);
		ICNS_TYPES.put("ic13", 256);
		ICNS_TYPES.put("ic08", 256);
		ICNS_TYPES.put("ic14", 512);
		ICNS_TYPES.put("ic09", 512);
		ICNS_TYPES.put("ic10", 1024);
	}

	static final Color TILE_TOP = new Color(0x3B, 0x5B, 0xDB);
	static final Color TILE_BOTTOM = new Color(0x1A, 0x23, 0x5E);
	static final Color KEY_LIGHT = new Color(0xFF, 0xDD, 0x6B);
	static final Color KEY_DARK = new Color(0xE8, 0x9B, 0x0C);
	static final Color EDGE = new Color(0xFF, 0xFF, 0xFF, 40);

	/** The icon at {@code px} pixels square. */
	static BufferedImage render(int px) {
		BufferedImage img = new BufferedImage(px, px, BufferedImage.TYPE_INT_ARGB);
		Graphics2D g = img.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
		g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
		g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
		boolean small = px < 64;
		// Work in a 1024-unit space; everything below is laid out there.
		g.scale(px / 1024.0, px / 1024.0);
		double inset = small ? 16 : 100;
		double radius = small ? 230 : 185;
		RoundRectangle2D tile = new RoundRectangle2D.Double(inset, inset, 1024 - 2 * inset, 1024 - 2 * inset, 2 * radius, 2 * radius);
		if (!small) {
			// A soft shadow under the tile: a few widening, fading copies below it.
			for (int i = 8; i >= 1; i--) {
				g.setColor(new Color(0, 0, 0, 10));
				g.fill(new RoundRectangle2D.Double(inset - i * 1.5, inset + 6 + i * 2, 1024 - 2 * inset + i * 3, 1024 - 2 * inset, 2 * radius, 2 * radius));
			}
		}
		g.setPaint(new GradientPaint(0, (float) inset, TILE_TOP, 0, (float) (1024 - inset), TILE_BOTTOM));
		g.fill(tile);
		if (!small) {
			// A faint light rim along the top half, as light falling on the tile.
			Area rim = new Area(tile);
			rim.subtract(new Area(new RoundRectangle2D.Double(inset + 6, inset + 6, 1024 - 2 * inset - 12, 1024 - 2 * inset - 12, 2 * radius - 12, 2 * radius - 12)));
			rim.intersect(new Area(new Rectangle2D.Double(0, 0, 1024, 512)));
			g.setColor(EDGE);
			g.fill(rim);
		}

		// The key: 15 x 8 design units (x 0..15, y 4..12), centred on the tile.
		double keyWidth = small ? 1024 - 2 * inset - 120 : 620;
		double unit = keyWidth / 15.0;
		AffineTransform at = new AffineTransform();
		at.translate(512 - 7.5 * unit, 512 - 8 * unit);
		at.scale(unit, unit);
		Area key = TrayIcons.key().createTransformedArea(at);
		if (!small) {
			Area shadow = key.createTransformedArea(AffineTransform.getTranslateInstance(0, 14));
			g.setColor(new Color(0, 0, 0, 70));
			g.fill(shadow);
		}
		Rectangle2D b = key.getBounds2D();
		g.setPaint(new GradientPaint(0, (float) b.getMinY(), KEY_LIGHT, 0, (float) b.getMaxY(), KEY_DARK));
		g.fill(key);
		g.dispose();
		return img;
	}

	static byte[] png(BufferedImage img) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(img, "png", out);
		return out.toByteArray();
	}

	/** The .icns container: 'icns', total length, then (type, length, PNG) per image; lengths include their 8-byte headers. */
	static byte[] icns(Map<Integer, byte[]> pngBySize) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		DataOutputStream chunks = new DataOutputStream(body);
		for (Map.Entry<String, Integer> t : ICNS_TYPES.entrySet()) {
			byte[] data = pngBySize.get(t.getValue());
			chunks.writeBytes(t.getKey());
			chunks.writeInt(8 + data.length);
			chunks.write(data);
		}
		ByteArrayOutputStream file = new ByteArrayOutputStream();
		DataOutputStream out = new DataOutputStream(file);
		out.writeBytes("icns");
		out.writeInt(8 + body.size());
		body.writeTo(out);
		return file.toByteArray();
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 1) {
			System.err.println("usage: java icons/src/AppIcon.java OUTPUT_DIR");
			System.exit(2);
		}
		Path dir = Path.of(args[0]);
		Path pngDir = dir.resolve("png");
		Files.createDirectories(pngDir);
		Map<Integer, byte[]> pngs = new LinkedHashMap<>();
		for (int px : PNG_SIZES) {
			byte[] data = png(render(px));
			pngs.put(px, data);
			Path f = pngDir.resolve("agent-master-key-" + px + ".png");
			Files.write(f, data);
			System.out.println("wrote " + f);
		}
		Path f = dir.resolve("AppIcon.icns");
		Files.write(f, icns(pngs));
		System.out.println("wrote " + f);
	}
}
