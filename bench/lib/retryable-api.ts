// The @Retryable cases' classes, written as a TypeScript user writes them (TC39 standard
// decorators, TypeScript >= 5 without `experimentalDecorators`). `npm run bench` transpiles this
// file with TypeScript (lib/decorated.mjs); the decorator comes in as a parameter, so one
// compiled text serves every build of an A/B run. `tsc -p tsconfig.json` type-checks it
// against the package's own declarations.
import type { Retryable, RetryOptions } from 'maestro-retry';

/** The success path's class: `get` fulfils at once with its argument. */
export function makeApi(retryable: typeof Retryable, options: RetryOptions) {
  class Api {
    @retryable(options)
    async get(x: number): Promise<number> {
      return x;
    }
  }
  return new Api();
}

/** The retry paths' class: `get` fails twice with `fail()`, then fulfils with 3. */
export function makeFailingApi(retryable: typeof Retryable, options: RetryOptions, fail: () => Error) {
  class Api {
    @retryable(options)
    async get(state: { n: number }): Promise<number> {
      if (state.n++ < 2) throw fail();
      return state.n;
    }
  }
  return new Api();
}
