package io.clnet.train;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** A small line chart drawn with Java2D (headless) and written as PNG. */
final class LinePlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)};

    private LinePlot() {
    }

    static void write(Path file, String title, String xLabel, double[] x, String[] names, double[][] series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = 640, height = 400, left = 70, right = 20, top = 40, bottom = 50;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
        for (double v : x) {
            xMin = Math.min(xMin, v);
            xMax = Math.max(xMax, v);
        }
        for (double[] s : series) {
            for (double v : s) {
                if (Double.isFinite(v)) {
                    yMin = Math.min(yMin, v);
                    yMax = Math.max(yMax, v);
                }
            }
        }
        if (x.length == 0 || yMin > yMax) {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        double pad = (yMax - yMin) * 0.05 + 1e-9;
        yMin -= pad;
        yMax += pad;
        int plotW = width - left - right, plotH = height - top - bottom;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, plotW, plotH);
        for (int t = 0; t <= 4; t++) {
            double yv = yMin + (yMax - yMin) * t / 4;
            int py = top + plotH - (int) Math.round(plotH * t / 4.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, py, left + plotW - 1, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.4g", yv), 6, py + 4);
            double xv = xMin + (xMax - xMin) * t / 4;
            int px = left + (int) Math.round(plotW * t / 4.0);
            g.drawString(String.format("%.3g", xv), px - 8, top + plotH + 16);
        }
        g.drawString(xLabel, left + plotW / 2 - 15, height - 12);
        g.setStroke(new BasicStroke(2f));
        for (int s = 0; s < series.length; s++) {
            g.setColor(COLORS[s % COLORS.length]);
            int prevX = -1, prevY = -1;
            for (int i = 0; i < x.length; i++) {
                int px = left + (int) Math.round((x[i] - xMin) / (xMax - xMin) * plotW);
                int py = top + plotH - (int) Math.round((series[s][i] - yMin) / (yMax - yMin) * plotH);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
            g.drawString(names[s], left + plotW - 60, top + 18 + 16 * s);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
