import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@tessera/core';
import optimizers from './module.js';
import { mupParamGroups } from './mup.js';

describe('mupParamGroups (microsoft/mup MuAdam / MuSGD rules)', () => {
  // base width 4, current width 16: input layer [3, 16], hidden [16, 16], readout [16, 2], biases [16]
  const vars = [
    { name: 'in/kernel', shape: [3, 16] }, { name: 'in/bias', shape: [16] },
    { name: 'hid/kernel', shape: [16, 16] }, { name: 'out/kernel', shape: [16, 2] }, { name: 'out/bias', shape: [2] },
  ];
  const base = { 'in/kernel': [3, 4], 'in/bias': [4], 'hid/kernel': [4, 4], 'out/kernel': [4, 2], 'out/bias': [2] };

  it('Adam: only matrix-like weights get lr ÷ width and λ × width', () => {
    const groups = mupParamGroups(vars, base, { optimizer: 'adam', weightDecay: 0.01 });
    expect(groups).toEqual([{ params: ['hid/kernel'], lrMultiplier: 0.25, weightDecay: 0.04 }]);
    expect(mupParamGroups(vars, base, { optimizer: 'adam', weightDecay: 0.01, decoupledWeightDecay: true })).toEqual([{ params: ['hid/kernel'], lrMultiplier: 0.25 }]);
  });

  it('SGD: vector-like weights get lr × width, square hidden matrices are unchanged', () => {
    const groups = mupParamGroups(vars, base, { optimizer: 'sgd' });
    expect(groups).toEqual([
      { params: ['in/kernel'], lrMultiplier: 4 },
      { params: ['in/bias'], lrMultiplier: 4 },
      { params: ['out/kernel'], lrMultiplier: 4 },
    ]);
  });

  it('the groups drive an optimizer: a hidden matrix moves 4× less under Adam', () => {
    const h = tf.variable(tf.zeros([16, 16]), true, 'hid/kernel');
    const b = tf.variable(tf.zeros([16]), true, 'in/bias');
    const opt = createRegistry(optimizers).create('optimizer', 'adam', { learningRate: 0.1, paramGroups: mupParamGroups([h, b], { 'hid/kernel': [4, 4], 'in/bias': [4] }, { optimizer: 'adam' }) });
    opt.applyGradients({ [h.name]: tf.ones([16, 16]), [b.name]: tf.ones([16]) });
    expect(h.dataSync()[0]).toBeCloseTo(-0.025, 5);
    expect(b.dataSync()[0]).toBeCloseTo(-0.1, 5);
    tf.dispose([h, b]);
    opt.dispose();
  });

  it('rejects missing base shapes', () => {
    expect(() => mupParamGroups(vars, {}, { optimizer: 'adam' })).toThrow(/base shape/);
  });
});
