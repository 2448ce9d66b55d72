import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startTaskAt, type BackgroundTask } from '../../server/background-thread.js';

const task = () => startTaskAt<number>(new URL('./fixtures/thread-id-task.ts', import.meta.url), null);
const threadOf = (t: BackgroundTask<number>) =>
  new Promise<number>((resolve) => {
    t.on('message', resolve);
    t.postMessage('which');
  });
const stopped = (t: BackgroundTask<number>) =>
  new Promise<number>((resolve) => {
    t.once('exit', resolve);
    t.postMessage('stop');
  });

describe('the background thread', () => {
  it('runs every task on one thread of its own, and ends with the last task', async () => {
    const [a, b] = [task(), task()];
    const [ta, tb] = await Promise.all([threadOf(a), threadOf(b)]);
    expect(ta).toBe(tb);
    expect(ta).not.toBe(threadId);
    expect(await stopped(a)).toBe(0);
    // The other task still has the thread.
    expect(await threadOf(b)).toBe(ta);
    await stopped(b);
    const c = task();
    expect(await threadOf(c)).not.toBe(ta);
    await stopped(c);
  });

  it('ends a task whose module cannot load with an error, and the others go on', async () => {
    const alive = task();
    const running = await threadOf(alive);
    const broken = startTaskAt(new URL('./fixtures/no-such-task.js', import.meta.url), null);
    const error = new Promise<Error>((resolve) => broken.once('error', resolve));
    const code = await new Promise<number>((resolve) => broken.once('exit', resolve));
    expect(code).not.toBe(0);
    expect((await error).message).toMatch(/no-such-task/);
    expect(await threadOf(alive)).toBe(running);
    await stopped(alive);
  });
});
