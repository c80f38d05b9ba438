/**
 * Which decorator mode this Jest project claims (set in jest.config.ts), and what the compiled
 * code actually does, so the suite can prove each project runs the mode it says.
 */
import 'reflect-metadata';

export interface DecoratorProject {
  readonly mode: 'tc39' | 'legacy';
  readonly designMetadata: boolean;
  /** Relative to the repository root. */
  readonly tsconfig: string;
}

const declared = (globalThis as { __DECORATORS__?: DecoratorProject }).__DECORATORS__;
if (declared === undefined) throw new Error('the decorator suite must run in a decorators:* Jest project');

/** The project's claim. */
export const project: DecoratorProject = declared;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const probe: any = (_value: unknown, context: unknown): void => {
  seen = typeof context === 'object' && context !== null ? 'tc39' : 'legacy';
};
let seen: 'tc39' | 'legacy' | undefined;

class Probe {
  @probe
  method(_a: string, _b: number): void {}
}

/** The mode the compiler actually used for this file. */
export const observedMode = seen;

/** Whether the compiler emitted `design:*` metadata. */
export const observedDesignMetadata = Reflect.getMetadata('design:paramtypes', Probe.prototype, 'method') !== undefined;
