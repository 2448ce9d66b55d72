import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../../web/widget/reconnect.js';

describe('widget reconnect backoff', () => {
  it.each([
    // attempt, lowest and highest delay over the whole jitter range (ms)
    [0, 200, 300],
    [1, 400, 600],
    [2, 800, 1200],
    [3, 1600, 2400],
    [4, 3200, 4800],
    [5, 4000, 6000],
    [50, 4000, 6000],
  ])('waits between the bounds before attempt %i', (attempt, low, high) => {
    expect(reconnectDelay(attempt, () => 0)).toBe(low);
    expect(reconnectDelay(attempt, () => 0.999999)).toBeLessThanOrEqual(high);
    expect(reconnectDelay(attempt, () => 0.999999)).toBeGreaterThan(high - 1);
  });
});
