package io.clnet.device.cpu;

import io.clnet.device.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuLoops} with the Vector API, in the one species of {@link VectorBlock}. ReLU is a compare and a
 * blend. 2x2 max pooling runs a vector per {@code L} channels when the channels fill whole vectors, and for
 * {@code L / 2} channels (simple's first pool) a vector per pair of pixels: the two taps of a window row share
 * one vector, halves swapped to compare them. The gradient goes to the first tap (row by row) whose bits equal
 * the maximum, compared as ints as the scalar code does, so both give the same bits for every input without NaN.
 */
final class VectorLoops implements CpuLoops {
    private static final VectorSpecies<Float> S = VectorBlock.S;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = VectorBlock.L;
    private static final int HALF = L / 2;
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(S, i -> (i + HALF) % L);
    private static final VectorShuffle<Float> LOW_TWICE = VectorShuffle.fromOp(S, i -> i % HALF);
    private static final VectorShuffle<Integer> SWAP_HALVES_INT = VectorShuffle.fromOp(I, i -> (i + HALF) % L);
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << HALF) - 1));
    /** All ones in the low half's lanes. */
    private static final IntVector LOW_ONES = IntVector.zero(I).blend(-1, VectorMask.fromLong(I, (1L << HALF) - 1));

    @Override
    public void reluForward(float[] out, float[] in, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector x = FloatVector.fromArray(S, in, i);
            zero.blend(x, x.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = in[i] > 0f ? in[i] : 0f;
        }
    }

    @Override
    public void reluBackward(float[] dIn, float[] dOut, float[] in, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector g = FloatVector.fromArray(S, dOut, i);
            zero.blend(g, FloatVector.fromArray(S, in, i).compare(VectorOperators.GT, 0f)).intoArray(dIn, i);
        }
        for (; i < to; i++) {
            dIn[i] = in[i] > 0f ? dOut[i] : 0f;
        }
    }

    @Override
    public void addInto(float[] dst, int dstAt, float[] src, int srcAt, int length) {
        int t = 0;
        for (; t <= length - L; t += L) {
            FloatVector.fromArray(S, dst, dstAt + t).add(FloatVector.fromArray(S, src, srcAt + t)).intoArray(dst, dstAt + t);
        }
        for (; t < length; t++) {
            dst[dstAt + t] += src[srcAt + t];
        }
    }

    @Override
    public boolean suitsMaxPool(Window2d w) {
        return CpuWindowOps.isTiled2x2(w) && (w.channels() % L == 0 || w.channels() == HALF);
    }

    @Override
    public void maxPool2x2Forward(float[] out, float[] in, Window2d w) {
        int ow = w.outWidth(), ch = w.channels();
        CpuWindowOps.forEachTiledRow(w, (top, bottom, o, from, to) -> maxPool2x2ForwardRow(out, o, in, top, bottom, ow, ch));
    }

    @Override
    public void maxPool2x2ForwardRow(float[] out, int o, float[] in, int top, int bottom, int outWidth, int ch) {
        int ox = 0;
        if (ch == HALF) {
            // Two output pixels per store: each input vector holds one window row of one output pixel.
            for (; ox + 1 < outWidth; ox += 2) {
                int t = top + 2 * ox * ch, b = bottom + 2 * ox * ch;
                FloatVector v0 = FloatVector.fromArray(S, in, t).max(FloatVector.fromArray(S, in, b));
                FloatVector v1 = FloatVector.fromArray(S, in, t + L).max(FloatVector.fromArray(S, in, b + L));
                v0 = v0.max(v0.rearrange(SWAP_HALVES));
                v1 = v1.max(v1.rearrange(SWAP_HALVES));
                v0.blend(v1, HIGH_HALF).intoArray(out, o + ox * ch);
            }
        } else if (ch % L == 0) {
            for (; ox < outWidth; ox++) {
                int t = top + 2 * ox * ch, b = bottom + 2 * ox * ch;
                for (int c = 0; c < ch; c += L) {
                    FloatVector.fromArray(S, in, t + c).max(FloatVector.fromArray(S, in, t + ch + c))
                            .max(FloatVector.fromArray(S, in, b + c).max(FloatVector.fromArray(S, in, b + ch + c)))
                            .intoArray(out, o + ox * ch + c);
                }
            }
        }
        for (; ox < outWidth; ox++) {
            CpuWindowOps.maxPool2x2(out, in, top + 2 * ox * ch, bottom + 2 * ox * ch, o + ox * ch, ch);
        }
    }

    @Override
    public void maxPool2x2Backward(float[] dIn, float[] dOut, float[] in, Window2d w) {
        int ow = w.outWidth(), ch = w.channels();
        CpuWindowOps.forEachTiledRow(w, (top, bottom, o, from, to) -> maxPool2x2BackwardRow(dIn, top, bottom, dOut, o, in, top, bottom, ow, ch));
    }

    @Override
    public void maxPool2x2BackwardRow(float[] dIn, int dTop, int dBottom, float[] dOut, int o, float[] in, int top, int bottom,
                                      int outWidth, int ch) {
        int ox = 0;
        if (ch == HALF) {
            // The second window's gradient is read from HALF floats on, so a pair needs L + HALF floats of dOut.
            for (; ox + 1 < outWidth && o + ox * ch + HALF + L <= dOut.length; ox += 2) {
                int at = 2 * ox * ch, g = o + ox * ch;
                halfWindowBackward(dIn, dTop + at, dBottom + at, in, top + at, bottom + at, dOut, g);
                halfWindowBackward(dIn, dTop + at + L, dBottom + at + L, in, top + at + L, bottom + at + L, dOut, g + HALF);
            }
        } else if (ch % L == 0) {
            for (; ox < outWidth; ox++) {
                int at = 2 * ox * ch;
                for (int c = 0; c < ch; c += L) {
                    windowBackward(dIn, dTop + at + c, dBottom + at + c, in, top + at + c, bottom + at + c, ch, dOut, o + ox * ch + c);
                }
            }
        }
        for (; ox < outWidth; ox++) {
            int at = 2 * ox * ch;
            CpuWindowOps.maxPool2x2Backward(dIn, dTop + at, dBottom + at, dOut, in, top + at, bottom + at, o + ox * ch, ch);
        }
    }

    /**
     * L channels of one window: taps at {@code top}, {@code top + ch} (its top row) and {@code bottom},
     * {@code bottom + ch} in {@code in}, their gradients at the same offsets from {@code dTop} and {@code dBottom}
     * in {@code dIn}; the window's gradient at {@code dOut[g]}. Vectors
     * never cross a call here: a vector argument of a method C2 does not inline is boxed on every call
     * (taking the gradient as a vector, this call made about 0.5 GB of garbage over 8 timed runs of 65 simple
     * steps, by JFR's allocation samples).
     */
    private static void windowBackward(float[] dIn, int dTop, int dBottom, float[] in, int top, int bottom, int ch, float[] dOut, int g) {
        FloatVector a = FloatVector.fromArray(S, in, top), b = FloatVector.fromArray(S, in, top + ch);
        FloatVector d = FloatVector.fromArray(S, in, bottom), e = FloatVector.fromArray(S, in, bottom + ch);
        IntVector m = a.max(b).max(d.max(e)).reinterpretAsInts(), zero = IntVector.zero(I);
        IntVector gi = FloatVector.fromArray(S, dOut, g).reinterpretAsInts();
        VectorMask<Integer> takeA = a.reinterpretAsInts().eq(m);
        VectorMask<Integer> taken = takeA, takeB = b.reinterpretAsInts().eq(m).andNot(taken);
        taken = taken.or(takeB);
        VectorMask<Integer> takeD = d.reinterpretAsInts().eq(m).andNot(taken);
        taken = taken.or(takeD);
        zero.blend(gi, takeA).reinterpretAsFloats().intoArray(dIn, dTop);
        zero.blend(gi, takeB).reinterpretAsFloats().intoArray(dIn, dTop + ch);
        zero.blend(gi, takeD).reinterpretAsFloats().intoArray(dIn, dBottom);
        gi.blend(zero, taken).reinterpretAsFloats().intoArray(dIn, dBottom + ch);
    }

    /**
     * One window of {@link #HALF} channels: {@code in[top]} holds taps (0,0) and (0,1) in its low and high half,
     * {@code in[bottom]} taps (1,0) and (1,1), and their gradients go to {@code dIn[dTop]} and {@code dIn[dBottom]}; the window's gradient is the {@code HALF} floats at {@code dOut[g]},
     * loaded as a whole vector (so {@code g + L} must be inside dOut) and copied into both halves.
     */
    private static void halfWindowBackward(float[] dIn, int dTop, int dBottom, float[] in, int top, int bottom, float[] dOut, int g) {
        FloatVector upper = FloatVector.fromArray(S, in, top), lower = FloatVector.fromArray(S, in, bottom);
        FloatVector rowMax = upper.max(lower);
        IntVector m = rowMax.max(rowMax.rearrange(SWAP_HALVES)).reinterpretAsInts(), zero = IntVector.zero(I);
        // As int vectors of all ones or zeros: a tap equals the maximum; its partner in the other half does.
        IntVector equalUpper = zero.blend(-1, upper.reinterpretAsInts().eq(m));
        IntVector equalLower = zero.blend(-1, lower.reinterpretAsInts().eq(m));
        IntVector upperPartner = equalUpper.rearrange(SWAP_HALVES_INT), lowerPartner = equalLower.rearrange(SWAP_HALVES_INT);
        IntVector takeUpper = equalUpper.and(LOW_ONES.or(upperPartner.not()));
        IntVector upperTaken = equalUpper.or(upperPartner);
        // (1,0) when it equals and no upper tap did; (1,1) when neither upper tap nor (1,0) did, as the scalar code.
        IntVector takeLower = upperTaken.not().and(equalLower.and(LOW_ONES).or(lowerPartner.not().and(LOW_ONES.not())));
        IntVector gi = FloatVector.fromArray(S, dOut, g).rearrange(LOW_TWICE).reinterpretAsInts();
        gi.and(takeUpper).reinterpretAsFloats().intoArray(dIn, dTop);
        gi.and(takeLower).reinterpretAsFloats().intoArray(dIn, dBottom);
    }
}
