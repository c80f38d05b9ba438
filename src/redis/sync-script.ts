/**
 * The one Lua script of the Redis store: a compare-and-set of one policy's state, timed by
 * the server's `TIME`. It is loaded once (sent by SHA with `EVALSHA`, and with `EVAL` when the
 * server answers `NOSCRIPT`).
 *
 * The state lives in one hash per policy, `KEYS[1]`: `e` (the epoch: a random id set when the
 * hash is created, so a state recreated after a restart is told from the one before), `v` (the
 * version, +1 per write) and `s` (the state, as JSON). Each write re-arms the key's expiry and
 * publishes `"<epoch> <version> <state>"` on the policy's channel.
 *
 * ARGV: 1 expected epoch, 2 expected version (-1: only read), 3 the new state ('' to write
 * nothing: the caller only confirms that it decided on the newest state), 4 the caller's
 * estimate of the server's time, 5 how far off that estimate may be (ms), 6 the key's time to
 * live (ms), 7 the channel, 8 the epoch to give a hash it creates.
 *
 * Reply: { status, epoch, version, state, server time in ms }; status 1: done; 0: the state
 * had changed (the reply carries the newest); 2: the caller's time was too far off (its
 * estimate went wrong, or the write waited in a queue far longer than any caller: it is
 * computed again rather than applied late).
 */
import { createHash } from 'node:crypto';

export const SYNC_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cur = redis.call('HMGET', KEYS[1], 'e', 'v', 's')
local epoch = cur[1] or ''
local version = tonumber(cur[2] or '0')
local state = cur[3] or ''
local ttl = tonumber(ARGV[6])
if version > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
local expected = tonumber(ARGV[2])
if expected < 0 or ARGV[1] ~= epoch or expected ~= version then
  return {0, epoch, version, state, now}
end
if math.abs(now - tonumber(ARGV[4])) > tonumber(ARGV[5]) then
  return {2, epoch, version, state, now}
end
if ARGV[3] ~= '' then
  if version == 0 then epoch = ARGV[8] end
  version = version + 1
  state = ARGV[3]
  redis.call('HSET', KEYS[1], 'e', epoch, 'v', version, 's', state)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PUBLISH', ARGV[7], epoch .. ' ' .. version .. ' ' .. state)
end
return {1, epoch, version, state, now}
`;

/** The SHA-1 `EVALSHA` names the script by. */
export const SYNC_SHA = createHash('sha1').update(SYNC_SCRIPT).digest('hex');

/** The script's answer. */
export interface SyncReply {
  /** 1: done; 0: the state had changed; 2: the caller's time was off. */
  readonly status: 0 | 1 | 2;
  readonly epoch: string;
  /** 0: the server holds no state for the policy. */
  readonly version: number;
  /** The newest state, as JSON ('' when none). */
  readonly state: string;
  /** The server's time, ms since the epoch. */
  readonly now: number;
}

/** Reads the script's raw reply; throws a TypeError when it is not the script's. */
export function readReply(raw: unknown): SyncReply {
  if (!Array.isArray(raw) || raw.length !== 5) throw new TypeError(`maestro-retry: unexpected reply from the Redis state script: ${String(raw)}`);
  const [status, epoch, version, state, now] = raw as unknown[];
  return { status: Number(status) as 0 | 1 | 2, epoch: String(epoch ?? ''), version: Number(version), state: String(state ?? ''), now: Number(now) };
}

/** The message a write publishes, read back; `undefined` when it is not one. */
export function readMessage(message: string): { epoch: string; version: number; state: string } | undefined {
  const first = message.indexOf(' ');
  const second = message.indexOf(' ', first + 1);
  if (first < 0 || second < 0) return undefined;
  const version = Number(message.slice(first + 1, second));
  return Number.isSafeInteger(version) && version > 0 ? { epoch: message.slice(0, first), version, state: message.slice(second + 1) } : undefined;
}
