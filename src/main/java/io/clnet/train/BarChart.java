package io.clnet.train;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Grouped bar charts written as PNG (headless Java2D): one panel per group with its own scale, one bar per
 * series, each labelled with its value. {@code compare} draws images/s per model (panels) and device (bars).
 */
public final class BarChart {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd)};

    private BarChart() {
    }

    /** @param values {@code values[group][series]}; NaN leaves a gap */
    public static void write(Path file, String title, String unit, String[] groups, String[] series, double[][] values)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int panelW = Math.max(220, 70 * series.length + 40), width = Math.max(640, panelW * groups.length + 40);
        int height = 380, top = 60, bottom = 40, plotH = height - top - bottom;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title + " (" + unit + ")", 20, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int s = 0; s < series.length; s++) {
            g.setColor(COLORS[s % COLORS.length]);
            g.fillRect(20 + 160 * s, 32, 10, 10);
            g.setColor(Color.BLACK);
            g.drawString(series[s], 34 + 160 * s, 41);
        }
        for (int gi = 0; gi < groups.length; gi++) {
            int left = 20 + gi * panelW;
            double max = 0;
            for (double v : values[gi]) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
            max = max <= 0 ? 1 : max * 1.15;
            g.setColor(new Color(0x999999));
            g.drawLine(left, top + plotH, left + panelW - 20, top + plotH);
            int barW = (panelW - 40) / Math.max(1, series.length);
            for (int s = 0; s < series.length; s++) {
                double v = values[gi][s];
                if (!Double.isFinite(v)) {
                    continue;
                }
                int h = (int) Math.round(plotH * v / max), x = left + 10 + s * barW;
                g.setColor(COLORS[s % COLORS.length]);
                g.fillRect(x, top + plotH - h, barW - 8, h);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.4g", v), x, top + plotH - h - 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
            g.drawString(groups[gi], left + (panelW - 20) / 2 - 15, height - 14);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
