/** platform/clock: the current time, a dependency of whatever compares against it (link expiry, retention, back-off). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A day in milliseconds, for windows and intervals counted in days (calendar dates use the Congress clock). */
export const DAY_MS = 24 * 60 * 60 * 1000;
