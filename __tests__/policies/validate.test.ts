import { describe as describeValue } from '../../src/observers/safe';
import { positiveInteger, readOptions } from '../../src/strategies/validate';

describe('policy option validation', () => {
  // The policies describe a rejected value as the loop's options do (src/core/safe.ts).
  class Pool {}
  const hostile = new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } });
  it.each([
    [0, '0'],
    [-0, '-0'],
    ['5', '"5"'],
    ['x'.repeat(100), JSON.stringify('x'.repeat(57) + '...')],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'true'],
    [10n, '10n'],
    [[1], 'an array of length 1'],
    [{}, 'an object'],
    [new Pool(), 'an instance of Pool'],
    [() => 1, 'an anonymous function'],
    [Date, 'function Date'],
    [Symbol('s'), 'Symbol(s)'],
  ])('describes %p as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('describes a Proxy that throws on every access without throwing', () => {
    expect(describeValue(hostile)).toBe('an object');
  });

  it('applies the default for undefined only', () => {
    expect(positiveInteger('X', 'n', undefined, 7)).toBe(7);
    expect(() => positiveInteger('X', 'n', null, 7)).toThrow(new TypeError('maestro-retry: X option `n` must be a positive integer, got null'));
  });

  it('rejects unsafe integers', () => {
    expect(() => positiveInteger('X', 'n', 2 ** 60, 1)).toThrow(RangeError);
  });

  it('returns the caller object unchanged for reading', () => {
    const o = { a: 1 };
    expect(readOptions('X', o)).toBe(o);
    expect(() => readOptions('X', [] as never)).toThrow(TypeError);
  });
});
