import fc from 'fast-check';
import { CircuitBreaker, type CircuitStateChange } from '../../src/strategies/circuit-breaker';
import { ManualClock } from '../../src/testing/manual-clock';

function failTimes(breaker: CircuitBreaker, n: number): void {
  for (let i = 0; i < n; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure();
  }
}

function record(breaker: CircuitBreaker): CircuitStateChange[] {
  const events: CircuitStateChange[] = [];
  breaker.onStateChange((e) => events.push(e));
  return events;
}

describe('CircuitBreaker defaults', () => {
  it('uses the documented defaults', () => {
    const b = new CircuitBreaker({ clock: new ManualClock() });
    expect(b.failureThreshold).toBe(5);
    expect(b.failureRateThreshold).toBeUndefined();
    expect(b.minimumCalls).toBe(20);
    expect(b.windowMs).toBe(30_000);
    expect(b.resetTimeout).toBe(30_000);
    expect(b.halfOpenMaxCalls).toBe(1);
    expect(b.state).toBe('closed');
  });

  it('keeps a default when an option is given as undefined', () => {
    expect(new CircuitBreaker({ failureThreshold: undefined }).failureThreshold).toBe(5);
  });

  it('works on the system clock when none is given', () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    failTimes(b, 1);
    expect(b.state).toBe('open');
    expect(b.retryAfterMs()).toBeGreaterThan(29_000);
  });
});

describe('CircuitBreaker in consecutive-failure mode', () => {
  it('stays closed below failureThreshold consecutive failures', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, clock: new ManualClock() });
    failTimes(b, 2);
    expect(b.state).toBe('closed');
    expect(b.stats.consecutiveFailures).toBe(2);
  });

  it('opens on the failureThreshold-th consecutive failure and emits closed -> open', () => {
    const clock = new ManualClock(1000);
    const b = new CircuitBreaker({ failureThreshold: 3, clock });
    const events = record(b);
    failTimes(b, 3);
    expect(b.state).toBe('open');
    expect(events).toEqual([{ from: 'closed', to: 'open', at: 1000 }]);
    expect(Object.isFrozen(events[0])).toBe(true);
  });

  it('a success resets the consecutive count', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, clock: new ManualClock() });
    failTimes(b, 2);
    b.tryAcquire();
    b.onSuccess();
    failTimes(b, 2);
    expect(b.state).toBe('closed');
    expect(b.stats.consecutiveFailures).toBe(2);
  });

  it('ignored outcomes neither count as failures nor reset the count', () => {
    const b = new CircuitBreaker({ failureThreshold: 2, clock: new ManualClock() });
    failTimes(b, 1);
    b.tryAcquire();
    b.onIgnored();
    expect(b.stats.consecutiveFailures).toBe(1);
    failTimes(b, 1);
    expect(b.state).toBe('open');
  });

  it('refuses attempts while open and says how long until half-open', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 5000, clock });
    failTimes(b, 1);
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAfterMs()).toBe(5000);
    await clock.advance(1500);
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAfterMs()).toBe(3500);
  });
});

describe('CircuitBreaker open -> half-open', () => {
  it('turns half-open when resetTimeout has passed, seen through state, with the due time as `at`', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 5000, clock });
    const events = record(b);
    failTimes(b, 1);
    await clock.advance(4999);
    expect(b.state).toBe('open');
    await clock.advance(3000);
    expect(b.state).toBe('half-open');
    expect(events).toEqual([
      { from: 'closed', to: 'open', at: 0 },
      { from: 'open', to: 'half-open', at: 5000 },
    ]);
    expect(b.retryAfterMs()).toBeUndefined();
  });

  it('turns half-open on tryAcquire and admits the trial', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 100, clock });
    failTimes(b, 1);
    await clock.advance(100);
    expect(b.tryAcquire()).toBe(true);
    expect(b.stats).toMatchObject({ state: 'half-open', inFlight: 1 });
  });

  it('starts no timer', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, clock });
    failTimes(b, 1);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('CircuitBreaker half-open', () => {
  async function halfOpen(halfOpenMaxCalls: number) {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls, clock });
    failTimes(b, 1);
    await clock.advance(1000);
    const events = record(b);
    return { clock, b, events };
  }

  it('admits only halfOpenMaxCalls trials at once', async () => {
    const { b } = await halfOpen(2);
    expect([b.tryAcquire(), b.tryAcquire(), b.tryAcquire()]).toEqual([true, true, false]);
  });

  it('closes once halfOpenMaxCalls trials have all succeeded', async () => {
    const { b, events } = await halfOpen(2);
    b.tryAcquire();
    b.tryAcquire();
    b.onSuccess();
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(false); // one in flight + one succeeded fill both slots
    b.onSuccess();
    expect(b.state).toBe('closed');
    expect(events.map((e) => e.to)).toEqual(['half-open', 'closed']);
    expect(b.tryAcquire()).toBe(true);
  });

  it('reopens on a trial failure and restarts resetTimeout from then', async () => {
    const { clock, b, events } = await halfOpen(2);
    b.tryAcquire();
    b.tryAcquire();
    b.onSuccess();
    await clock.advance(200);
    b.onFailure();
    expect(b.state).toBe('open');
    expect(events.at(-1)).toEqual({ from: 'half-open', to: 'open', at: 1200 });
    expect(b.retryAfterMs()).toBe(1000);
    await clock.advance(1000);
    expect(b.state).toBe('half-open');
  });

  it('an ignored trial frees its slot without closing or reopening', async () => {
    const { b } = await halfOpen(1);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.onIgnored();
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    expect(b.state).toBe('closed');
  });

  it('counts attempts admitted before the circuit opened against the trial slots', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 1000, clock });
    expect(b.tryAcquire()).toBe(true); // slow attempt, still running
    failTimes(b, 1);
    await clock.advance(1000);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(false);
    b.onSuccess(); // the slow attempt's success counts as the trial's
    expect(b.state).toBe('closed');
  });

  it('outcomes reported while open are not counted', () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ failureThreshold: 1, clock });
    b.tryAcquire();
    failTimes(b, 1);
    b.onSuccess();
    expect(b.state).toBe('open');
    expect(b.stats.inFlight).toBe(0);
  });

  it('closing forgets earlier failures', async () => {
    const { b } = await halfOpen(1);
    b.tryAcquire();
    b.onSuccess();
    expect(b.stats.consecutiveFailures).toBe(0);
  });

  it('never admits more than halfOpenMaxCalls attempts in flight (property)', () => {
    type Op = { kind: 'acquire' } | { kind: 'success' | 'failure' | 'ignored'; pick: number } | { kind: 'advance'; ms: number };
    // Weighted so that sequences often trip the breaker, wait out resetTimeout and pile up trials.
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.constant<Op>({ kind: 'acquire' }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('failure' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('success' as const, 'ignored' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }) }) },
    );
    let halfOpenAdmissions = 0;
    let fullHalfOpen = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.array(op, { minLength: 20, maxLength: 300, size: 'max' }), (halfOpenMaxCalls, failureThreshold, ops) => {
        const clock = { t: 0, now: () => clock.t, sleep: () => Promise.resolve() };
        const b = new CircuitBreaker({ failureThreshold, halfOpenMaxCalls, resetTimeout: 1000, clock });
        let inFlight = 0; // admitted and not reported, whatever the state at admission
        for (const o of ops) {
          if (o.kind === 'advance') clock.t += o.ms;
          else if (o.kind === 'acquire') {
            const wasHalfOpen = b.state === 'half-open';
            if (b.tryAcquire()) {
              inFlight++;
              if (wasHalfOpen && b.state === 'half-open') {
                halfOpenAdmissions++;
                if (inFlight === halfOpenMaxCalls) fullHalfOpen++;
                if (inFlight > halfOpenMaxCalls) throw new Error(`${inFlight} in flight while half-open`);
              }
            } else {
              if (b.state === 'closed') throw new Error('refused while closed');
            }
          } else if (inFlight > 0) {
            inFlight--;
            if (o.kind === 'success') b.onSuccess();
            else if (o.kind === 'failure') b.onFailure();
            else b.onIgnored();
          }
          if (b.stats.inFlight !== inFlight) throw new Error(`stats.inFlight ${b.stats.inFlight}, expected ${inFlight}`);
        }
      }),
      { numRuns: 300 },
    );
    // The generator does reach the interesting states (else the property proves nothing).
    expect(halfOpenAdmissions).toBeGreaterThan(100);
    expect(fullHalfOpen).toBeGreaterThan(20);
  });
});

describe('CircuitBreaker in failure-rate mode', () => {
  function rateBreaker(clock: ManualClock) {
    return new CircuitBreaker({ failureRateThreshold: 0.5, minimumCalls: 10, windowMs: 10_000, clock });
  }
  function outcomes(b: CircuitBreaker, pattern: string): void {
    for (const c of pattern) {
      b.tryAcquire();
      if (c === 'F') b.onFailure();
      else b.onSuccess();
    }
  }

  it('does not open before minimumCalls, whatever the rate', () => {
    const b = rateBreaker(new ManualClock());
    outcomes(b, 'FFFFFFFFF');
    expect(b.state).toBe('closed');
    expect(b.stats).toMatchObject({ windowCalls: 9, windowFailures: 9 });
  });

  it('opens when the failure rate reaches the threshold with minimumCalls counted', () => {
    const b = rateBreaker(new ManualClock());
    outcomes(b, 'SSSSSFFFF');
    expect(b.state).toBe('closed');
    outcomes(b, 'F'); // 5 of 10
    expect(b.state).toBe('open');
  });

  it('stays closed below the threshold', () => {
    const b = rateBreaker(new ManualClock());
    outcomes(b, 'SSSSSSFFFF'.repeat(3)); // 40%
    expect(b.state).toBe('closed');
  });

  it('ignores failureThreshold (consecutive failures do not open it)', () => {
    const b = new CircuitBreaker({ failureRateThreshold: 0.9, failureThreshold: 1, minimumCalls: 10, clock: new ManualClock() });
    outcomes(b, 'SSSSSFFFFFFF');
    expect(b.state).toBe('closed');
  });

  it('forgets outcomes older than windowMs', async () => {
    const clock = new ManualClock();
    const b = rateBreaker(clock);
    outcomes(b, 'FFFFFFFFF');
    await clock.advance(10_000);
    expect(b.stats.windowCalls).toBe(0);
    outcomes(b, 'SSSSSSSSF');
    expect(b.state).toBe('closed');
  });

  it('keeps outcomes still inside the window', async () => {
    const clock = new ManualClock();
    const b = rateBreaker(clock);
    outcomes(b, 'FFFFF');
    await clock.advance(5000);
    outcomes(b, 'SSSSF');
    expect(b.state).toBe('open');
  });
});

describe('CircuitBreaker manual control and listeners', () => {
  it('isolate holds the circuit open past resetTimeout until reset', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ resetTimeout: 10, clock });
    const events = record(b);
    b.isolate();
    await clock.advance(1000);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAfterMs()).toBeUndefined();
    expect(b.stats.isolated).toBe(true);
    b.reset();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    expect(events.map((e) => `${e.from}>${e.to}`)).toEqual(['closed>open', 'open>closed']);
  });

  it('reset on a closed breaker clears the failure count without an event', () => {
    const b = new CircuitBreaker({ failureThreshold: 3, clock: new ManualClock() });
    const events = record(b);
    failTimes(b, 2);
    b.reset();
    expect(b.stats.consecutiveFailures).toBe(0);
    expect(events).toEqual([]);
  });

  it('unsubscribing stops the events', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, clock: new ManualClock() });
    const seen: string[] = [];
    const off = b.onStateChange((e) => seen.push(e.to));
    off();
    off();
    failTimes(b, 1);
    expect(seen).toEqual([]);
  });

  it('a throwing listener is reported as a warning and does not stop the others or the breaker', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const b = new CircuitBreaker({ failureThreshold: 1, clock: new ManualClock() });
      const seen: string[] = [];
      b.onStateChange(() => {
        throw new Error('listener bug');
      });
      b.onStateChange((e) => seen.push(e.to));
      failTimes(b, 1);
      expect(b.state).toBe('open');
      expect(seen).toEqual(['open']);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain('listener bug');
    } finally {
      warn.mockRestore();
    }
  });

  it('rejects a listener that is not a function', () => {
    const b = new CircuitBreaker();
    expect(() => b.onStateChange(42 as never)).toThrow(TypeError);
  });
});

describe('CircuitBreaker option validation', () => {
  it.each([
    [{ failureThreshold: 0 }, RangeError, 'CircuitBreaker option `failureThreshold` must be a positive integer, got 0'],
    [{ failureThreshold: 2.5 }, RangeError, '`failureThreshold` must be a positive integer, got 2.5'],
    [{ failureThreshold: '5' }, TypeError, '`failureThreshold` must be a positive integer, got "5"'],
    [{ failureRateThreshold: 0 }, RangeError, '`failureRateThreshold` must be a number greater than 0 and at most 1, got 0'],
    [{ failureRateThreshold: 1.5 }, RangeError, '`failureRateThreshold`'],
    [{ failureRateThreshold: NaN }, RangeError, 'got NaN'],
    [{ minimumCalls: -1 }, RangeError, '`minimumCalls`'],
    [{ windowMs: 0 }, RangeError, '`windowMs` must be a positive finite number, got 0'],
    [{ windowMs: Infinity }, RangeError, 'got Infinity'],
    [{ resetTimeout: -1 }, RangeError, '`resetTimeout` must be a non-negative finite number, got -1'],
    [{ halfOpenMaxCalls: 0 }, RangeError, '`halfOpenMaxCalls`'],
    [{ clock: {} }, TypeError, '`clock` must be an object with a now() method, got an object'],
    [{ clock: null }, TypeError, 'got null'],
  ])('rejects %p', (options, Kind, message) => {
    expect(() => new CircuitBreaker(options as never)).toThrow(Kind);
    expect(() => new CircuitBreaker(options as never)).toThrow(message);
  });

  it('rejects options that are not an object', () => {
    expect(() => new CircuitBreaker(5 as never)).toThrow(new TypeError('maestro-retry: CircuitBreaker options must be an object, got 5'));
  });

  it('accepts resetTimeout 0 (half-open at once)', () => {
    const b = new CircuitBreaker({ failureThreshold: 1, resetTimeout: 0, clock: new ManualClock() });
    failTimes(b, 1);
    expect(b.state).toBe('half-open');
  });

  it('does not modify the options object', () => {
    const options = Object.freeze({ failureThreshold: 2 });
    expect(() => new CircuitBreaker(options)).not.toThrow();
    expect(options).toEqual({ failureThreshold: 2 });
  });
});
