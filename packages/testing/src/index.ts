/**
 * @tessera/testing — the conformance suite every Tessera plugin passes, and
 * tensor assertions for plugin tests.
 */
export { expectTensorsClose, type CloseOptions } from './expect-tensors-close.js';
export { expectNoLeak, expectNoGrowth } from './expect-no-leak.js';
export { checkGradient, finiteDifferenceGradient } from './check-gradient.js';
export { loadFixture, fixtureTensor, fixtureValues, type FixtureTensor } from './load-fixture.js';
export { runConformance, type ConformanceOptions, type PluginOverride } from './run-conformance.js';
