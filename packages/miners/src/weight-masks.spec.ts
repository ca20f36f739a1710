import { describe, expect, it } from 'vitest';
import { slotOf } from './weight-masks.js';

describe('slotOf', () => {
  it('matches tfjs and Tessera slot names of a variable, not of a variable whose name it prefixes', () => {
    expect(slotOf('layer/w1/momentum', 'layer/w1')).toBe(true);
    expect(slotOf('layer/w1/#t:0/slots/@/m', 'layer/w1')).toBe(true);
    expect(slotOf('t:0/mu/layer%2Fw1', 'layer/w1')).toBe(true);
    expect(slotOf('layer/w10/momentum', 'layer/w1')).toBe(false);
    expect(slotOf('iter', 'layer/w1')).toBe(false);
  });
});
