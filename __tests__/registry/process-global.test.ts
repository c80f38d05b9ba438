import { processGlobal } from '../../src/registry/process-global.js';
import { defaultRegistry } from '../../src/registry/default-registry.js';

describe('processGlobal: one value per process, per name and version', () => {
  it('makes the value once and hands the same one to every later caller (another copy of the library)', () => {
    let made = 0;
    const first = processGlobal('test-shared', 1, () => ({ n: ++made }));
    const second = processGlobal('test-shared', 1, () => ({ n: ++made }));
    expect(second).toBe(first);
    expect(made).toBe(1);
    expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for('maestro-retry.test-shared@1')]).toBe(first);
  });

  it('keeps another version apart, so copies of another shape do not share', () => {
    const v1 = processGlobal('test-versions', 1, () => ({ version: 1 }));
    const v2 = processGlobal('test-versions', 2, () => ({ version: 2 }));
    expect([v1.version, v2.version]).toEqual([1, 2]);
  });

  it('cannot be swapped once set', () => {
    const value = processGlobal('test-fixed', 1, () => ({}));
    const key = Symbol.for('maestro-retry.test-fixed@1');
    expect(() => Object.defineProperty(globalThis, key, { value: {} })).toThrow(TypeError);
    expect(processGlobal('test-fixed', 1, () => ({ other: true }))).toBe(value);
  });

  it('holds the default registry', () => {
    expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for('maestro-retry.default-registry@1')]).toBe(defaultRegistry);
  });
});
