import type { Clock } from '../../src/platform/clock';

/** A clock tests can set and advance (link expiry, retention, back-off). */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-11-28T12:00:00Z')) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(date: Date): void {
    this.current = date;
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * The system clock under a test's control, for apps built through configuration as production builds
 * them (the runtime reads the real clock): Jest fakes `Date` alone, so timers, I/O and the database run
 * at their own pace while every reading of the time gives the time the test sets. One time per test file:
 * each new app starts it at its start again, and every app open reads it.
 */
export class SystemTime implements Clock {
  constructor(start: Date) {
    jest.useFakeTimers({
      now: start,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
  }
  now(): Date {
    return new Date();
  }
  set(date: Date): void {
    jest.setSystemTime(date);
  }
  advance(ms: number): void {
    jest.setSystemTime(Date.now() + ms);
  }
}
