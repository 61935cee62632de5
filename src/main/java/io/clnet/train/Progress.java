package io.clnet.train;

import java.io.PrintStream;

/**
 * Shows an epoch's progress: a redrawn bar on a terminal, plain log lines (about ten an epoch) otherwise.
 */
public final class Progress implements Trainer.Listener {
    private final PrintStream out;
    private final boolean terminal;
    private final String prefix;
    private int lastLogged = -1;

    public Progress(PrintStream out, boolean terminal, String prefix) {
        this.out = out;
        this.terminal = terminal;
        this.prefix = prefix;
    }

    @Override
    public void onStep(int step, int steps, double loss, double accuracy, double imagesPerSecond) {
        String stats = String.format("%d/%d  %.0f img/s  loss %.4f  acc %.2f%%", step, steps, imagesPerSecond, loss, 100 * accuracy);
        if (terminal) {
            int width = 30, filled = (int) ((long) width * step / steps);
            out.print("\r" + prefix + " [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + stats + "   ");
            if (step == steps) {
                out.println();
            }
            out.flush();
        } else {
            int tenth = (int) (10L * step / steps);
            if (tenth != lastLogged || step == steps) {
                lastLogged = tenth;
                out.println(prefix + " " + stats);
            }
        }
    }
}
