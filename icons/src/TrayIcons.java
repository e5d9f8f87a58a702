/*
 * TrayIcons: generates the menu-bar / system-tray icons of Agent Master Key.
 *
 * Usage (JDK 25, single-file launch, no dependencies):
 *
 *     java icons/src/TrayIcons.java OUTPUT_DIR [CONTACT_SHEET.png]
 *
 * What it draws. The app's symbol is a key, so every tray icon is one horizontal key laid out on a
 * 16 x 16 design grid: a round bow (a ring with a hole) on the left and a shaft running right with two
 * teeth hanging below its tip. Horizontal rather than diagonal because at 16 px a horizontal 2 px shaft
 * and square teeth land exactly on pixel edges and stay crisp, whereas a 45 degree shaft turns into a
 * grey anti-aliased smear. All rectangles sit on whole design units, so the 1x (16 px), 2x (32 px) and
 * 4x (64 px) renderings are pixel-snapped; only the bow's circles are anti-aliased.
 *
 * Three states, each readable at 16 px:
 *   running  - the solid key.
 *   paused   - the key dimmed to 45 % opacity plus two solid pause bars in the top-right corner. Dimming
 *              alone was too easy to mistake for macOS greying out the whole menu bar (inactive screen),
 *              and a slash through the key broke the bow and stopped it reading as a key; the bars say
 *              "paused" and keep the key intact.
 *   alert    - the solid key plus a solid round dot in the top-right corner (the free corner: the teeth
 *              occupy the bottom-right), with a transparent gap cut around it so it stands apart.
 * Paused and alert both mark the same corner, with shapes (bars vs dot) that differ even at 16 px.
 *
 * Two families:
 *   *Template.png / *Template@2x.png (16 / 32 px): macOS "template images": pure black (#000000) with
 *       alpha only, transparent background. macOS recolours them for light / dark / highlighted menu bars.
 *       The "Template" suffix and the "@2x" Retina suffix are the names macOS (and AWT) look for.
 *   tray*.png / tray*@2x.png (32 / 64 px): colour icons for Linux and Windows trays, which draw images
 *       as they are and are often dark: a light key (#E8E8E8) wrapped in a thin, semi-transparent dark
 *       outline so it reads on light and dark panels alike; the alert dot is orange-red (#FF5A36). When
 *       paused only the key's fill is dimmed; its outline stays, so on a light panel it shows as a hollow key.
 *
 * With a second argument it also writes a contact sheet: every icon at 1x and enlarged 8x (nearest
 * neighbour) on white and on #2B2B2B (templates shown black on white and tinted white on dark, as
 * macOS would), to check legibility by eye.
 *
 * Only Java2D shapes are used (no fonts), so the output is identical on every platform.
 */

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

public class TrayIcons {

    enum State { RUNNING, PAUSED, ALERT }

    static final Color KEY_LIGHT = new Color(0xE8, 0xE8, 0xE8);
    static final Color OUTLINE = new Color(0, 0, 0, 150);
    static final Color BADGE = new Color(0xFF, 0x5A, 0x36);

    // ---- geometry, in 16 x 16 design units -------------------------------------------------------

    /** The key: bow (ring) at the left, shaft to the right, two teeth below the tip; spans x 0..15. */
    static Area key() {
        Area a = new Area(new Ellipse2D.Double(0, 4, 8, 8));             // bow, centre (4, 8)
        a.add(new Area(new Rectangle2D.Double(7, 7, 8, 2)));             // shaft y 7..9, x 7..15
        a.add(new Area(new Rectangle2D.Double(10, 9, 2, 2)));            // short tooth
        a.add(new Area(new Rectangle2D.Double(13, 9, 2, 3)));            // long tooth at the tip
        a.subtract(new Area(new Ellipse2D.Double(2, 6, 4, 4)));          // hole: ring 2 units thick
        return a;
    }

    /** Alert badge: a solid dot in the top-right corner, 1 unit above the shaft. */
    static Area badge() { return new Area(new Ellipse2D.Double(9, 0, 6, 6)); }

    /** Paused badge: two pause bars in the same corner. */
    static Area pauseBars() {
        Area a = new Area(new Rectangle2D.Double(9, 0, 2, 5));
        a.add(new Area(new Rectangle2D.Double(13, 0, 2, 5)));
        return a;
    }

    /** Transparent gap kept around a badge: the key is cut there so the badge stands free. */
    static Area badgeClearance() { return new Area(new Ellipse2D.Double(8, -1, 8, 8)); }

    /** Opacity of the key when all agents are paused. */
    static final double PAUSED_ALPHA = 0.45;

    /** The badge for a state, or null for none. */
    static Area badgeFor(State state) {
        return switch (state) {
            case RUNNING -> null;
            case PAUSED -> pauseBars();
            case ALERT -> badge();
        };
    }

    /** The key as drawn for a state: cut around the badge, if any. */
    static Area keyFor(State state) {
        Area k = key();
        if (badgeFor(state) != null) {
            k.subtract(badgeClearance());
        }
        return k;
    }

    static double keyAlpha(State state) { return state == State.PAUSED ? PAUSED_ALPHA : 1.0; }

    // ---- rendering -------------------------------------------------------------------------------

    static BufferedImage canvas(int px) { return new BufferedImage(px, px, BufferedImage.TYPE_INT_ARGB); }

    static Graphics2D graphics(BufferedImage img, double scale) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setTransform(AffineTransform.getScaleInstance(scale, scale));
        return g;
    }

    static Color withAlpha(Color c, double alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) Math.round(c.getAlpha() * alpha));
    }

    /** macOS template image (16 or 32 px): black + alpha only, transparent background. */
    static BufferedImage template(State state, int px) {
        BufferedImage img = canvas(px);
        Graphics2D g = graphics(img, px / 16.0);
        g.setColor(withAlpha(Color.BLACK, keyAlpha(state)));
        g.fill(keyFor(state));
        Area badge = badgeFor(state);
        if (badge != null) {
            g.setColor(Color.BLACK);
            g.fill(badge);
        }
        g.dispose();
        return img;
    }

    /**
     * Colour icon for Linux / Windows (32 or 64 px): light key, thin dark outline, orange-red alert dot.
     * The design is moved by half a unit so the outline (one device pixel at 32 px, two at 64 px, just
     * outside the shapes) fits the canvas while the shapes still land on whole pixels. When paused only
     * the key's fill is dimmed: its outline stays, so on a light panel it reads as a hollow key instead
     * of fading into the background.
     */
    static BufferedImage colour(State state, int px) {
        BufferedImage img = canvas(px);
        double scale = px / 16.0;
        double outlinePx = px / 32.0;
        BasicStroke stroke = new BasicStroke((float) (2 * outlinePx / scale),
                BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        Graphics2D g = graphics(img, scale);
        g.translate(0.5, 0.5);
        outlined(g, keyFor(state), withAlpha(KEY_LIGHT, keyAlpha(state)), stroke);
        Area badge = badgeFor(state);
        if (badge != null) {
            outlined(g, badge, state == State.ALERT ? BADGE : KEY_LIGHT, stroke);
        }
        g.dispose();
        return img;
    }

    /** Fills {@code shape} in {@code fill}, wrapped in the dark outline drawn just outside it. */
    static void outlined(Graphics2D g, Area shape, Color fill, BasicStroke stroke) {
        Area halo = new Area(stroke.createStrokedShape(shape));
        halo.subtract(shape);
        g.setColor(OUTLINE);
        g.fill(halo);
        g.setColor(fill);
        g.fill(shape);
    }

    // ---- output ----------------------------------------------------------------------------------

    record Icon(String name, BufferedImage image, boolean template) {}

    static List<Icon> icons() {
        List<Icon> out = new ArrayList<>();
        String[] names = {"", "Paused", "Alert"};
        for (State s : State.values()) {
            String n = names[s.ordinal()];
            out.add(new Icon("tray" + n + "Template.png", template(s, 16), true));
            out.add(new Icon("tray" + n + "Template@2x.png", template(s, 32), true));
        }
        for (State s : State.values()) {
            String n = names[s.ordinal()];
            out.add(new Icon("tray" + n + ".png", colour(s, 32), false));
            out.add(new Icon("tray" + n + "@2x.png", colour(s, 64), false));
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java icons/src/TrayIcons.java OUTPUT_DIR [CONTACT_SHEET.png]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        List<Icon> icons = icons();
        for (Icon icon : icons) {
            if (icon.template()) {
                checkTemplate(icon);
            }
            File f = dir.resolve(icon.name()).toFile();
            ImageIO.write(icon.image(), "png", f);
            System.out.println("wrote " + f);
        }
        if (args.length == 2) {
            File f = new File(args[1]);
            ImageIO.write(contactSheet(icons), "png", f);
            System.out.println("wrote " + f);
        }
    }

    /** Fails if a template image has any colour other than black (alpha is free). */
    static void checkTemplate(Icon icon) {
        BufferedImage img = icon.image();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0) {
                    throw new IllegalStateException(icon.name() + ": non-black pixel at " + x + "," + y);
                }
            }
        }
    }

    // ---- contact sheet ---------------------------------------------------------------------------

    static final int ZOOM = 8, PAD = 16;
    static final Color DARK = new Color(0x2B, 0x2B, 0x2B);

    /** Template tinted white, as macOS shows it on a dark menu bar. */
    static BufferedImage tintWhite(BufferedImage src) {
        BufferedImage out = canvas(src.getWidth());
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                out.setRGB(x, y, (src.getRGB(x, y) & 0xFF000000) | 0xFFFFFF);
            }
        }
        return out;
    }

    /**
     * Rows: templates 16 px, templates 32 px, colour 32 px, colour 64 px. Each row shows the three
     * states on white then on dark, each at 1x followed by 8x.
     */
    static BufferedImage contactSheet(List<Icon> icons) {
        int rows = icons.size() / 3;
        int[] rowHeight = new int[rows];
        int width = 0;
        for (int r = 0; r < rows; r++) {
            int px = icons.get(r % 2 + (r / 2) * 6).image().getWidth();
            rowHeight[r] = px * ZOOM + 2 * PAD;
            width = Math.max(width, 2 * 3 * (px + PAD + px * ZOOM + 2 * PAD));
        }
        int height = 0;
        for (int h : rowHeight) {
            height += h;
        }
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(DARK);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.setComposite(AlphaComposite.SrcOver);
        int y = 0;
        for (int r = 0; r < rows; r++) {
            // row r: family (r / 2), size (r % 2); icons list order: per family, state-major, 1x then 2x
            for (int bg = 0; bg < 2; bg++) {
                int x = bg * width / 2 + PAD;
                for (int s = 0; s < 3; s++) {
                    Icon icon = icons.get((r / 2) * 6 + s * 2 + r % 2);
                    BufferedImage img = icon.image();
                    if (icon.template() && bg == 1) {
                        img = tintWhite(img);
                    }
                    int px = img.getWidth();
                    g.drawImage(img, x, y + PAD, null);
                    x += px + PAD;
                    g.drawImage(img, x, y + PAD, px * ZOOM, px * ZOOM, null);
                    x += px * ZOOM + 2 * PAD;
                }
            }
            y += rowHeight[r];
        }
        g.dispose();
        return sheet;
    }
}
