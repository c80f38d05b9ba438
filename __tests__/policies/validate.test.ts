import { describeValue, positiveInteger, readOptions } from '../../src/policies/validate';

describe('policy option validation', () => {
  it.each([
    [0, '0'],
    ['5', '"5"'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'true'],
    [10n, '10n'],
    [[1], 'an array'],
    [{}, 'an object'],
    [() => 1, 'a function'],
    [Symbol('s'), 'Symbol(s)'],
  ])('describes %p as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
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
