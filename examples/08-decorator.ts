/**
 * 8. `@Retryable` on a service class.
 *
 * Decorate a method that returns a Promise and every call of it retries, with `this`, the
 * parameters and the return type untouched. Options are validated when the class is defined.
 * All instances share one operation in the registry, named `'ClassName.methodName'`. This is
 * a TC39 standard decorator (TypeScript 5+, no flag); the same decorator also works under
 * `experimentalDecorators`.
 *
 *   npx tsx examples/08-decorator.ts
 */
import { getRetryableOptions, getRetryStatistics, Retryable, TransientError } from 'maestro-retry';
import { runWhenExecuted, type Log } from './support.js';

/** A stand-in for an HTTP API: fails the first `failures` requests of each path. */
class FakeApi {
  readonly #seen = new Map<string, number>();
  constructor(private readonly failures: number) {}
  async get(path: string): Promise<{ path: string; attempt: number }> {
    const attempt = (this.#seen.get(path) ?? 0) + 1;
    this.#seen.set(path, attempt);
    if (attempt <= this.failures) throw new TransientError(`503 from ${path}`);
    return { path, attempt };
  }
}

// Decorator options are fixed when the class is defined, so a hook reaches the outside
// world through module scope (an application logger), not through the instance.
let logger: Log = console.log;

class OrderService {
  constructor(private readonly api: FakeApi, private readonly log: Log) {}

  // The full form takes any option of withRetry. The hook's operationName is the method's.
  @Retryable({
    maxRetries: 3,
    initialDelay: 10,
    jitter: 'full',
    onRetry: ({ operationName, attempt, delay }) =>
      logger(`  ${operationName}: attempt ${attempt} failed, retry in ${Math.round(delay)} ms`),
  })
  async getOrder(id: string): Promise<{ path: string; attempt: number }> {
    return this.api.get(`/orders/${id}`); // `this` is the instance, as without the decorator
  }

  // The shorthand: Retryable(maxRetries, retryOn?).
  @Retryable(1)
  async cancelOrder(id: string): Promise<void> {
    this.log(`  cancelling ${id}`);
    await this.api.get(`/orders/${id}/cancel`);
  }

  // Static methods too.
  @Retryable({ maxRetries: 2, initialDelay: 10 })
  static async health(api: FakeApi): Promise<string> {
    await api.get('/health');
    return 'ok';
  }
}

export async function main(log: Log = console.log): Promise<{
  order: { path: string; attempt: number };
  cancelError: string;
  health: string;
  operations: Record<string, { calls: number; attempts: number }>;
}> {
  logger = log;
  const api = new FakeApi(2); // every path fails twice, then answers
  const service = new OrderService(api, log);

  const order = await service.getOrder('A-17');
  log(`getOrder('A-17') -> answered on attempt ${order.attempt}`);

  // maxRetries 1 = 2 attempts; both fail, and the last error comes back as it was.
  const cancelError = await service.cancelOrder('A-17').then(() => 'none', (e: unknown) => String(e));
  log(`cancelOrder('A-17') -> ${cancelError}`);

  const health = await OrderService.health(api);
  log(`OrderService.health() -> ${health}`);

  // The resolved options are kept as metadata on the class.
  log(`getOrder's options: maxRetries ${getRetryableOptions(OrderService.prototype, 'getOrder')?.maxRetries}`);

  const operations: Record<string, { calls: number; attempts: number }> = {};
  for (const name of ['OrderService.getOrder', 'OrderService.cancelOrder']) {
    const op = getRetryStatistics(name).operations[name];
    operations[name] = { calls: op?.calls ?? 0, attempts: op?.attempts ?? 0 };
    log(`getRetryStatistics('${name}'): ${op?.calls} call, ${op?.attempts} attempts`);
  }
  return { order, cancelError, health, operations };
}

runWhenExecuted('08-decorator', main);
