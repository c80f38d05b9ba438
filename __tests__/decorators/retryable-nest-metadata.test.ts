import 'reflect-metadata';
import { Retryable } from '../../src/api/retryable';
import { getRetryableOptions } from '../../src/api/retryable-metadata';
import { TransientError } from '../../src/errors/transient-error';
import { RetryRegistry } from '../../src/registry/retry-registry';
import { ManualClock } from '../../src/testing/manual-clock';
import { project } from './support/project';

/*
 * NestJS finds routes, jobs, event listeners and message handlers by metadata its decorators
 * store on the method itself: `Reflect.defineMetadata(key, value, descriptor.value)`, read
 * back with `Reflect.getMetadata(key, prototype[methodName])`. The decorators below store
 * theirs exactly that way, with Nest's keys and value shapes (`@Get` = RequestMapping,
 * `@Cron` = applyDecorators of three SetMetadata, `@OnEvent` = extendArrayMetadata,
 * `@MessagePattern`), without depending on Nest. Under TC39 decorators (which Nest does not
 * support) they store the same on the method value they are given, the nearest equivalent.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDecorator = any;
type Method = (...args: unknown[]) => unknown;

/** A method decorator for both modes that writes onto the method as Nest's do. */
function onMethod(write: (method: Method) => void): AnyDecorator {
  return (value: unknown, context: unknown, descriptor?: PropertyDescriptor): unknown => {
    if (typeof context === 'object') {
      write(value as Method);
      return undefined;
    }
    write(descriptor!.value as Method);
    return descriptor;
  };
}

/** Nest's applyDecorators: each decorator called with the same arguments, results ignored. */
function applyDecorators(...decorators: AnyDecorator[]): AnyDecorator {
  return (...args: unknown[]): void => {
    for (const decorator of decorators) (decorator as (...a: unknown[]) => unknown)(...args);
  };
}

const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const REQUEST_METHOD_GET = 0;
const Get = (path: string): AnyDecorator => onMethod((fn) => {
  Reflect.defineMetadata(PATH_METADATA, path, fn);
  Reflect.defineMetadata(METHOD_METADATA, REQUEST_METHOD_GET, fn);
});

const SetMetadata = (key: string, value: unknown): AnyDecorator => onMethod((fn) => Reflect.defineMetadata(key, value, fn));
const SCHEDULER_TYPE_CRON = 1;
const Cron = (cronTime: string, options: { name?: string } = {}): AnyDecorator => applyDecorators(
  SetMetadata('SCHEDULE_CRON_OPTIONS', { ...options, cronTime }),
  SetMetadata('SCHEDULER_NAME', options.name),
  SetMetadata('SCHEDULER_TYPE', SCHEDULER_TYPE_CRON),
);

const EVENT_LISTENER_METADATA = 'EVENT_LISTENER_METADATA';
const OnEvent = (event: string): AnyDecorator => onMethod((fn) => {
  const previous = (Reflect.getMetadata(EVENT_LISTENER_METADATA, fn) as unknown[] | undefined) ?? [];
  Reflect.defineMetadata(EVENT_LISTENER_METADATA, [...previous, { event, options: undefined }], fn);
});

const PATTERN_HANDLER_MESSAGE = 1;
const MessagePattern = (pattern: unknown): AnyDecorator => onMethod((fn) => {
  Reflect.defineMetadata('microservices:pattern', pattern, fn);
  Reflect.defineMetadata('microservices:handler_type', PATTERN_HANDLER_MESSAGE, fn);
  Reflect.defineMetadata('microservices:transport', undefined, fn);
});

/** Some libraries mark the function itself with own properties instead. */
const MARK = Symbol('handler');
const Marked = onMethod((fn) => {
  Object.assign(fn, { isHandler: true });
  Object.defineProperty(fn, MARK, { value: 'orders', enumerable: false });
});

/** What Nest would read for `method`: every key it looks up, and the own marks. */
function nestView(method: unknown): Record<string, unknown> {
  const fn = method as Method & { isHandler?: boolean; [MARK]?: string };
  return {
    path: Reflect.getMetadata(PATH_METADATA, fn),
    method: Reflect.getMetadata(METHOD_METADATA, fn),
    cron: Reflect.getMetadata('SCHEDULE_CRON_OPTIONS', fn),
    schedulerName: Reflect.getMetadata('SCHEDULER_NAME', fn),
    schedulerType: Reflect.getMetadata('SCHEDULER_TYPE', fn),
    events: Reflect.getMetadata(EVENT_LISTENER_METADATA, fn),
    pattern: Reflect.getMetadata('microservices:pattern', fn),
    handlerType: Reflect.getMetadata('microservices:handler_type', fn),
    hasTransport: Reflect.hasMetadata('microservices:transport', fn),
    isHandler: fn.isHandler,
    mark: fn[MARK],
  };
}

const everything = {
  path: 'orders', method: REQUEST_METHOD_GET,
  cron: { name: 'sweep', cronTime: '*/5 * * * *' }, schedulerName: 'sweep', schedulerType: SCHEDULER_TYPE_CRON,
  events: [{ event: 'order.created', options: undefined }],
  pattern: { cmd: 'orders.list' }, handlerType: PATTERN_HANDLER_MESSAGE, hasTransport: true,
  isHandler: true, mark: 'orders',
};

describe(`@Retryable keeps the metadata other decorators store on the method (${project.mode})`, () => {
  const registry = new RetryRegistry();

  it('placed above them: the metadata written before it ran is carried onto its wrapper', () => {
    class OrdersController {
      @Retryable({ registry })
      @Get('orders')
      @Cron('*/5 * * * *', { name: 'sweep' })
      @OnEvent('order.created')
      @MessagePattern({ cmd: 'orders.list' })
      @Marked
      async list(): Promise<string[]> {
        return [];
      }
    }
    expect(nestView(OrdersController.prototype.list)).toEqual(everything);
    expect(Reflect.getOwnMetadataKeys(OrdersController.prototype.list).sort()).toEqual([
      EVENT_LISTENER_METADATA, 'SCHEDULER_NAME', 'SCHEDULER_TYPE', 'SCHEDULE_CRON_OPTIONS', METHOD_METADATA,
      'microservices:handler_type', 'microservices:pattern', 'microservices:transport', PATH_METADATA,
    ].sort());
  });

  it('placed below them: they write onto its wrapper', () => {
    class OrdersController {
      @Get('orders')
      @Cron('*/5 * * * *', { name: 'sweep' })
      @OnEvent('order.created')
      @MessagePattern({ cmd: 'orders.list' })
      @Marked
      @Retryable({ registry })
      async list(): Promise<string[]> {
        return [];
      }
    }
    expect(nestView(OrdersController.prototype.list)).toEqual(everything);
  });

  it('in between: both halves kept, and a stacked @OnEvent sees the events below it', () => {
    class OrdersController {
      @Get('orders')
      @OnEvent('order.updated')
      @Retryable({ registry })
      @OnEvent('order.created')
      @Marked
      async list(): Promise<string[]> {
        return [];
      }
    }
    const view = nestView(OrdersController.prototype.list);
    expect([view.path, view.events, view.isHandler, view.mark]).toEqual([
      'orders', [{ event: 'order.created', options: undefined }, { event: 'order.updated', options: undefined }], true, 'orders',
    ]);
  });

  it('on a static method too', () => {
    class Jobs {
      @Retryable({ registry })
      @Cron('0 * * * *')
      static async hourly(): Promise<void> {}
    }
    expect(Reflect.getMetadata('SCHEDULE_CRON_OPTIONS', Jobs.hourly)).toEqual({ cronTime: '0 * * * *' });
    expect(Reflect.getMetadata('SCHEDULER_TYPE', Jobs.hourly)).toBe(SCHEDULER_TYPE_CRON);
  });

  it('the wrapper still retries, keeps its name and its own options, and the method is the wrapper', async () => {
    const clock = new ManualClock();
    const own = new RetryRegistry();
    class OrdersController {
      calls = 0;
      @Retryable({ registry: own, clock, maxRetries: 2, initialDelay: 10 })
      @Get('orders')
      async list(): Promise<number> {
        if (++this.calls < 3) throw new TransientError('busy');
        return this.calls;
      }
    }
    const controller = new OrdersController();
    const call = controller.list();
    await clock.runAll();
    await expect(call).resolves.toBe(3);
    expect(OrdersController.prototype.list.name).toBe('list');
    expect(getRetryableOptions(OrdersController, 'list')?.operationName).toBe('OrdersController.list');
    expect(own.getStatistics('OrdersController.list').operations['OrdersController.list']?.attempts).toBe(3);
  });
});
