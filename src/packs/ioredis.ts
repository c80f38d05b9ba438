/**
 * The error pack for ioredis: which of its errors a retry can cure. Reads error shapes only
 * (a Redis error reply's prefix, the error's name, ioredis's own messages); imports nothing
 * from `ioredis`.
 *
 * Entry point: `maestro-retry/packs/ioredis`.
 */
import type { ErrorClassifier, ErrorVerdict } from '../decision/classifier.js';
import { safeGet } from '../observers/safe.js';
import { classifierOf, readFlags, socketAnswer, stringOf } from './pack.js';

/** Options of {@link ioredisErrors}. */
export interface IoredisErrorsOptions {
  /**
   * Retry a command that ioredis aborted because its connection closed after the command was
   * sent ("Command aborted due to connection close": the rest of a pipeline or a MULTI/EXEC
   * cut off midway). The server may have run it, so a retry may run it twice: turn this on
   * only for commands that are safe to repeat.
   * @default false (permanent)
   */
  readonly retryUnknownOutcome?: boolean;
}

/**
 * Prefixes of Redis error replies that say "not now": the server is loading its dataset
 * (LOADING), busy with a script or function (BUSY), resharding or failing over (TRYAGAIN,
 * CLUSTERDOWN), cut off from its primary (MASTERDOWN), short of replicas (NOREPLICAS), or a
 * replica after a failover (READONLY).
 */
const TRANSIENT_REPLIES: ReadonlySet<string> = new Set([
  'LOADING', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'NOREPLICAS', 'READONLY',
]);

/** The reply Redis sends a connection past `maxclients`, before it closes the connection. */
const MAX_CLIENTS = 'ERR max number of clients reached';

/** Errors ioredis makes itself, by message. */
const CLIENT_MESSAGES: ReadonlyMap<string, ErrorVerdict> = new Map<string, ErrorVerdict>([
  ['Connection is closed.', 'transient'],
  ["Stream isn't writeable and enableOfflineQueue options is false", 'transient'],
  ["Cluster isn't ready and enableOfflineQueue options is false", 'transient'],
  ['None of startup nodes is available', 'transient'],
  ['Command timed out', 'transient'],
]);

/** What ioredis rejects a command with when it has given up reconnecting for it. */
const MAX_RETRIES_MESSAGE = 'Reached the max retries per request limit';

/** What ioredis rejects a sent command with when its connection closes before the reply. */
const ABORTED_MESSAGE = 'Command aborted due to connection close';

/**
 * Whether `error` is an error reply from the server: a `ReplyError`, or (for bundles that
 * rename classes) an error with ioredis's `command` record and a message in capitals first.
 */
function isReply(error: object, message: string): boolean {
  if (safeGet(error, 'name') === 'ReplyError') return true;
  return typeof safeGet(safeGet(error, 'command'), 'name') === 'string' && /^[A-Z]+ /.test(message);
}

function judgeReply(message: string): ErrorVerdict {
  if (message.startsWith(MAX_CLIENTS)) return 'throttling';
  const prefix = message.split(' ', 1)[0]!;
  return TRANSIENT_REPLIES.has(prefix) ? 'transient' : 'permanent';
}

/**
 * A classifier for the errors of ioredis, to give in the `classify` option.
 *
 * - `'transient'`: error replies LOADING, BUSY, TRYAGAIN, CLUSTERDOWN, MASTERDOWN, NOREPLICAS
 *   and READONLY; `MaxRetriesPerRequestError`; "Connection is closed."; the offline-queue
 *   refusals of a client or cluster that is not ready; "None of startup nodes is available";
 *   "Command timed out" (`commandTimeout`); ECONNREFUSED, ECONNRESET and the other socket
 *   errors the default classification retries.
 * - `'throttling'`: "ERR max number of clients reached".
 * - `'permanent'`: every other error reply (WRONGTYPE, ERR syntax and unknown command, NOSCRIPT,
 *   NOAUTH, WRONGPASS, NOPERM, OOM, MISCONF, EXECABORT, BUSYGROUP, BUSYKEY, MOVED/ASK outside a
 *   cluster client, ...); "Command aborted due to connection close" unless `retryUnknownOutcome`.
 * - `undefined` for any other error: the next classifier, or the default, decides.
 *
 * The error's `cause` chain is read too. ioredis retries on its own first: it queues commands
 * while it reconnects and fails them with `MaxRetriesPerRequestError` after
 * `maxRetriesPerRequest` reconnections (20 by default). Under `retry()`, a low value (1 or 2)
 * leaves the waiting to the retry policy (its backoff, budget and breaker).
 *
 * @example
 * import Redis from 'ioredis';
 * import { retry } from 'maestro-retry';
 * import { ioredisErrors } from 'maestro-retry/packs/ioredis';
 *
 * const redis = new Redis({ maxRetriesPerRequest: 1 });
 * const user = await retry(() => redis.hgetall('user:42'), { classify: [ioredisErrors()] });
 */
export function ioredisErrors(options?: IoredisErrorsOptions): ErrorClassifier {
  const { retryUnknownOutcome } = readFlags('ioredisErrors', options, { retryUnknownOutcome: false });
  return classifierOf((error) => {
    const message = stringOf(error, 'message') ?? '';
    if (isReply(error, message)) return judgeReply(message);
    if (message.startsWith(MAX_RETRIES_MESSAGE)) return 'transient';
    if (message === ABORTED_MESSAGE) return retryUnknownOutcome ? 'transient' : 'permanent';
    return CLIENT_MESSAGES.get(message) ?? socketAnswer(error);
  });
}
