/**
 * What every public error class's constructor shares: reading the forms users build it with
 * (a message, nothing, some of the details, a message and details) and naming the instance
 * after its class, so a user's subclass reports its own name.
 */

/** The fields every error class accepts in its details object. */
export interface ErrorDetails {
  /** The message, when it is not given as the first argument. */
  readonly message?: string;
  /** The error that led to this one. */
  readonly cause?: unknown;
}

/** A constructor's arguments, read: the message (when one was given) and the details object. */
export interface ErrorArgs<D> {
  readonly message: string | undefined;
  readonly details: Partial<D> & ErrorDetails;
}

function isDetails(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof Error);
}

/**
 * Reads `(message?, details?)` or `(details?, message?)`. A string is the message; a plain
 * object is the details (its own `message` used when no string is given); any other value
 * (an `Error`, a number) becomes the message as `Error` itself would make it, `String(value)`.
 */
export function readErrorArgs<D>(first: unknown, second: unknown): ErrorArgs<D> {
  if (isDetails(first)) {
    const details = first as Partial<D> & ErrorDetails;
    const message = typeof second === 'string' ? second : details.message;
    return { message: typeof message === 'string' ? message : undefined, details };
  }
  const details = (isDetails(second) ? second : {}) as Partial<D> & ErrorDetails;
  if (first === undefined || first === null) {
    return { message: typeof details.message === 'string' ? details.message : undefined, details };
  }
  return { message: typeof first === 'string' ? first : String(first), details };
}

/** The `cause` option for `super()`: present when the details have a `cause` key, as `Error` does it. */
export function causeOf(details: ErrorDetails): { cause: unknown } | undefined {
  return 'cause' in details ? { cause: details.cause } : undefined;
}

/**
 * Names `error` after the class it was built as (`new.target`): `base`'s own fixed name for
 * the library's class (safe from minifiers), the subclass's name for a user's subclass. The
 * name is an own, non-enumerable property, as `message` is, so `String(error)`, the stack's
 * first line (formatted when first read) and the registry's `errorCounts` use it. A subclass
 * that declares its own `name` field still overrides it.
 */
export function nameAfterClass(error: Error, target: abstract new (...args: never[]) => unknown, base: abstract new (...args: never[]) => unknown, baseName: string): void {
  const name = target !== base && typeof target.name === 'string' && target.name !== '' ? target.name : baseName;
  Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true, enumerable: false });
}

/**
 * `operationName` and the rest of a sentence: "op timed out" (or "op: budget exhausted" with
 * `joiner` ': '), or "Timed out" with no name.
 */
export function sentence(subject: string | undefined, rest: string, joiner = ' '): string {
  return subject === undefined ? `${rest.charAt(0).toUpperCase()}${rest.slice(1)}` : `${subject}${joiner}${rest}`;
}

/** "1 attempt", "3 attempts". */
export function attemptsText(count: number): string {
  return `${count} attempt${count === 1 ? '' : 's'}`;
}
