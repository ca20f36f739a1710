import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { crmsNorm, dropLastCoordinate, foldNormAffine, preLnToPreRmsNorm, recenterEmbeddings, recenterOutputs } from './crms-norm.js';
import { LayerNorm } from './layer-norm.js';
import { registry, saveLoadRoundTrip, setWeight, type Layer } from './spec-utils.js';

interface Case {
  name: string;
  epsilon: number;
  x: FixtureTensor;
  dy: FixtureTensor;
  y: FixtureTensor;
  dx: FixtureTensor;
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/crms-norm.json', import.meta.url));

describe('crms-norm against F.layer_norm of the zero-mean (x̂, −Σx̂) (PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`forward and gradient, functional and layer: ${c.name}`, () => {
      tf.tidy(() => {
        const x = fixtureTensor(c.x);
        const dy = fixtureTensor(c.dy);
        expectTensorsClose(crmsNorm(x, null, null, c.epsilon), fixtureTensor(c.y), { name: 'y' });
        const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(crmsNorm(v, null, null, c.epsilon), dy)))(x);
        expectTensorsClose(dx, fixtureTensor(c.dx), { name: 'dx' });
        const layer = registry.create('normalization', 'crms-norm', { epsilon: c.epsilon });
        expectTensorsClose(layer.apply(x, { training: true }) as tf.Tensor, fixtureTensor(c.y), { name: 'layer y' });
      });
    });
  }
});

/** x `[B, T, in]` · W `[in, out]` + b, through a 2-D matMul. */
const linear = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null) => {
  const [bs, t] = x.shape as [number, number, number];
  const y = tf.reshape(tf.matMul(tf.reshape(x, [bs * t, -1]), w), [bs, t, -1]);
  return b ? tf.add(y, b) : y;
};
/** A causal running mean over time: a linear token mixer standing in for attention. */
const causalMean = (x: tf.Tensor) => {
  const t = x.shape[1]!;
  const m = tf.div(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), tf.reshape(tf.range(1, t + 1), [t, 1]));
  return tf.einsum('ts,bsd->btd', m, x);
};

describe('Pre-LN → Pre-RMSNorm → Pre-CRMSNorm conversion of a trained model', () => {
  it('leaves the outputs unchanged (exact up to float32 rounding)', () => {
    const [V, T, D, Hd, B] = [7, 4, 6, 10, 2];
    const r = (shape: number[], s = 0.5) => tf.randomNormal(shape, 0, s, 'float32', shape.reduce((a, b) => a * 13 + b, 1));
    const E = r([V, D], 1), P = r([T, D], 1);
    const W1 = r([D, Hd]), b1 = r([Hd], 0.1), W2 = r([Hd, D]), b2 = r([D], 0.3);
    const Wv = r([D, D]), Wo = r([D, D]), bo = r([D], 0.3), Wh = r([D, V]), bh = r([V], 0.1);
    const makeLn = (seed: number) => {
      const ln = new LayerNorm({ epsilon: 1e-5 });
      tf.tidy(() => void ln.apply(tf.zeros([1, D])));
      setWeight(ln, 'gamma', tf.add(1, tf.randomNormal([D], 0, 0.3, 'float32', seed)));
      setWeight(ln, 'beta', tf.randomNormal([D], 0, 0.3, 'float32', seed + 1));
      return ln;
    };
    const [ln1, ln2, lnF] = [makeLn(1), makeLn(3), makeLn(5)];
    const ids = tf.tensor2d([[0, 3, 5, 6], [2, 2, 1, 4]], [B, T], 'int32');
    const apply = (l: Layer, x: tf.Tensor) => l.apply(x) as tf.Tensor;

    // the trained Pre-LN model
    const preLn = () =>
      tf.tidy(() => {
        let h = tf.add(tf.gather(E, ids), P);
        h = tf.add(h, linear(tf.relu(linear(apply(ln1, h), W1, b1)), W2, b2));
        h = tf.add(h, linear(causalMean(linear(apply(ln2, h), Wv, null)), Wo, bo));
        return linear(apply(lnF, h), Wh, bh);
      });

    // Pre-RMSNorm: re-centred writers into the stream, LN → RMSNorm with the same γ, β, ε
    const [E1, P1] = [recenterEmbeddings(E), recenterEmbeddings(P)];
    const f2 = recenterOutputs(W2, b2);
    const fo = recenterOutputs(Wo, bo);
    const [rms1, rms2, rmsF] = [preLnToPreRmsNorm(ln1), preLnToPreRmsNorm(ln2), preLnToPreRmsNorm(lnF)];
    const preRms = () =>
      tf.tidy(() => {
        let h = tf.add(tf.gather(E1, ids), P1);
        h = tf.add(h, linear(tf.relu(linear(apply(rms1, h), W1, b1)), f2.kernel, f2.bias));
        h = tf.add(h, linear(causalMean(linear(apply(rms2, h), Wv, null)), fo.kernel, fo.bias));
        return linear(apply(rmsF, h), Wh, bh);
      });

    // Pre-CRMSNorm: the stream keeps d − 1 coordinates; norms lose their affine (folded into readers)
    const keep = (t: tf.Tensor) => tf.slice(t, [0, 0], [-1, D - 1]);
    const [E2, P2] = [keep(E1), keep(P1)];
    const [W2c, b2c] = [keep(f2.kernel), tf.slice(f2.bias!, [0], [D - 1])];
    const [Woc, boc] = [keep(fo.kernel), tf.slice(fo.bias!, [0], [D - 1])];
    const reader = (ln: LayerNorm, w: tf.Tensor, b: tf.Tensor | null) => {
      const [g, be] = ln.getWeights() as [tf.Tensor, tf.Tensor];
      const folded = foldNormAffine(g, be, w, b);
      return { kernel: dropLastCoordinate(folded.kernel), bias: folded.bias };
    };
    const [r1, r2, rh] = [reader(ln1, W1, b1), reader(ln2, Wv, null), reader(lnF, Wh, bh)];
    const crms = registry.create('normalization', 'crms-norm', { epsilon: 1e-5 });
    const preCrms = () =>
      tf.tidy(() => {
        let h = tf.add(tf.gather(E2, ids), P2);
        h = tf.add(h, linear(tf.relu(linear(apply(crms, h), r1.kernel, r1.bias)), W2c, b2c));
        h = tf.add(h, linear(causalMean(linear(apply(crms, h), r2.kernel, r2.bias)), Woc, boc));
        return linear(apply(crms, h), rh.kernel, rh.bias);
      });

    const [a, b, c] = [preLn(), preRms(), preCrms()];
    expectTensorsClose(b, a, { name: 'Pre-RMSNorm vs Pre-LN', rtol: 1e-4, atol: 1e-5 });
    expectTensorsClose(c, a, { name: 'Pre-CRMSNorm vs Pre-LN', rtol: 1e-4, atol: 1e-5 });
    // and the conversion is not vacuous: without re-centring, RMSNorm differs from LN
    const naive = tf.tidy(() => linear(apply(rmsF, tf.add(tf.gather(E, ids), P)), Wh, bh));
    const lnDirect = tf.tidy(() => linear(apply(lnF, tf.add(tf.gather(E, ids), P)), Wh, bh));
    expect(() => expectTensorsClose(naive, lnDirect)).toThrow();
    tf.dispose([a, b, c, naive, lnDirect, E, P, W1, b1, W2, b2, Wv, Wo, bo, Wh, bh, ids, E1, P1, E2, P2, W2c, b2c, Woc, boc]);
  });
});

describe('crms-norm layer', () => {
  it('leaks nothing; saves and loads', async () => {
    const layer = registry.create('normalization', 'crms-norm', { elementwiseAffine: true, bias: true });
    const x = tf.randomNormal([2, 3, 4]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'crms-norm', { elementwiseAffine: true }), [3, 4], x);
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});
