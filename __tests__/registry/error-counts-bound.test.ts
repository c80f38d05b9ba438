import { retry } from '../../src/api/retry.js';
import { MAX_ERROR_NAMES, OTHER_ERRORS } from '../../src/registry/operation-record.js';
import { RetryRegistry } from '../../src/registry/retry-registry.js';

describe('errorCounts stays bounded', () => {
  test('keeps the first 100 error names and counts later new names under (other), exactly', async () => {
    const registry = new RetryRegistry();
    for (let i = 0; i < MAX_ERROR_NAMES + 50; i++) {
      const error = new Error('not found');
      error.name = `NotFound_${i}`; // a name that embeds an id
      await retry(() => { throw error; }, { registry, operationName: 'ids' }).catch(() => undefined);
    }
    await retry(() => { throw Object.assign(new Error('x'), { name: 'NotFound_0' }); }, { registry, operationName: 'ids' }).catch(() => undefined);
    const counts = registry.getStatistics('ids').operations.ids!.errorCounts;
    expect(Object.keys(counts)).toHaveLength(MAX_ERROR_NAMES + 1);
    expect(counts[OTHER_ERRORS]).toBe(50);
    expect(counts.NotFound_0).toBe(2);
    expect(counts[`NotFound_${MAX_ERROR_NAMES - 1}`]).toBe(1);
    expect(counts[`NotFound_${MAX_ERROR_NAMES}`]).toBeUndefined();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(MAX_ERROR_NAMES + 51);
  });
});
