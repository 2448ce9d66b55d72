/**
 * Delay before reconnect attempt `n` (0-based): 0.25 s doubling to a 5 s ceiling, with ±20 % jitter.
 * A chat waits on its visitor: after a restart it must be back within a second or two, and a low
 * ceiling keeps a longer outage from leaving the visitor 15 s behind once the server is up again.
 * The jitter spreads many visitors' reconnects so a restarted server is not hit all at once.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000, 250 * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + random() * 0.4));
}
