import type { AttemptEndedEvent, CallEndedEvent, CallObserver, PolicyEvent } from '../../src/observers/observer.js';

/** An observer that keeps the events it receives, by kind, for a test to assert on. */
export function collect(): { attempts: AttemptEndedEvent[]; ended: CallEndedEvent[]; policies: PolicyEvent[]; observer: CallObserver } {
  const attempts: AttemptEndedEvent[] = [];
  const ended: CallEndedEvent[] = [];
  const policies: PolicyEvent[] = [];
  const observer: CallObserver = {
    attemptEnded: (e) => void attempts.push(e),
    callEnded: (e) => void ended.push(e),
    policyEvent: (e) => void policies.push(e),
  };
  return { attempts, ended, policies, observer };
}
