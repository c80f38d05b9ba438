import { Listeners } from '../../src/strategies/listeners';

describe('Listeners', () => {
  it('calls listeners in subscription order with the one event object', () => {
    const l = new Listeners<{ n: number }>('test');
    const seen: string[] = [];
    const event = { n: 1 };
    l.add((e) => seen.push(`a${e.n}`));
    l.add((e) => seen.push(e === event ? 'b-same' : 'b-copy'));
    l.emit(event);
    expect(seen).toEqual(['a1', 'b-same']);
  });

  it('a function subscribed twice is called twice and removed once per unsubscribe', () => {
    const l = new Listeners<number>('test');
    let calls = 0;
    const f = (): void => void calls++;
    const off = l.add(f);
    l.add(f);
    off();
    l.emit(1);
    expect(calls).toBe(1);
    expect(l.size).toBe(1);
  });

  it('unsubscribing during an emit does not skip the others', () => {
    const l = new Listeners<number>('test');
    const seen: string[] = [];
    const offA = l.add(() => {
      seen.push('a');
      offA();
    });
    l.add(() => seen.push('b'));
    l.emit(1);
    l.emit(2);
    expect(seen).toEqual(['a', 'b', 'b']);
  });

  it('reports a throwing listener as a warning naming the source', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const l = new Listeners<number>('Thing onChange');
      l.add(() => {
        throw 'plain string';
      });
      expect(() => l.emit(1)).not.toThrow();
      expect(warn).toHaveBeenCalledWith('maestro-retry: a Thing onChange listener threw: plain string', { code: 'MAESTRO_RETRY_LISTENER_ERROR' });
    } finally {
      warn.mockRestore();
    }
  });
});
