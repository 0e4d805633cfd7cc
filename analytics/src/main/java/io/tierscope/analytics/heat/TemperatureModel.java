package io.tierscope.analytics.heat;

/**
 * Parameters of the decayed-temperature scorer, after the kvm_hybridmem demo of kvm-ept-sample
 * (zhou-yuxin): every access adds a fixed amount to the page's temperature, chosen by the access
 * kind (execute beats write beats read: one addition per sample, the strongest kind it shows),
 * and temperature cools naturally, halving every {@code halfLifeMs}.
 *
 * <p>Scale: with addition a per period of length P and half-life h, a page accessed every period
 * levels off at a / (1 - 2^(-P/h)), e.g. 2a for h = P; one access cools below a/8 in 3 half-lives.
 */
public final class TemperatureModel {
    private final double halfLifeMs;
    private final float execAddition;
    private final float writeAddition;
    private final float readAddition;

    public TemperatureModel(double halfLifeMs, float execAddition, float writeAddition, float readAddition) {
        if (!(halfLifeMs > 0) || Double.isInfinite(halfLifeMs)) {
            throw new IllegalArgumentException("halfLifeMs must be a positive finite number, got " + halfLifeMs);
        }
        checkAddition("execAddition", execAddition);
        checkAddition("writeAddition", writeAddition);
        checkAddition("readAddition", readAddition);
        this.halfLifeMs = halfLifeMs;
        this.execAddition = execAddition;
        this.writeAddition = writeAddition;
        this.readAddition = readAddition;
    }

    private static void checkAddition(String what, float value) {
        if (!(value >= 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + value);
        }
    }

    public double halfLifeMs() {
        return halfLifeMs;
    }

    /** Addition for one access with the given xwr bits (bit0 r, bit1 w, bit2 x); 0 counts as a read. */
    public float addition(int xwr) {
        if ((xwr & 4) != 0) {
            return execAddition;
        }
        return (xwr & 2) != 0 ? writeAddition : readAddition;
    }

    /** Factor a temperature keeps after {@code elapsedMs}: 2^(-elapsed / halfLife). */
    public double decay(double elapsedMs) {
        return Math.pow(0.5, elapsedMs / halfLifeMs);
    }
}
