/**
 * Tests that need something outside the process (a server, a browser). Where it is missing,
 * the tests are skipped with the reason printed; under CI (`process.env.CI` set) a missing
 * service fails the run instead, so CI never passes by skipping.
 */
import { existsSync } from 'node:fs';

/**
 * `describe(name, body)` when `available`; otherwise, under CI, a failing test that says what
 * is missing, and elsewhere a skipped block and one console line with the reason.
 */
export function describeWithService(service: string, available: boolean, name: string, body: () => void): void {
  if (available) {
    describe(name, body);
  } else if (process.env['CI']) {
    describe(name, () => {
      it(`needs ${service}`, () => {
        throw new Error(`${service} is not available, and CI is set: install it (see .ci/run)`);
      });
    });
  } else {
    console.log(`skipped "${name}": ${service} is not available`);
    describe.skip(name, body);
  }
}

/** Debian's Chromium, which the browser tests drive through playwright-core. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether Debian's Chromium is installed. */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);
