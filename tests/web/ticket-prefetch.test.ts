import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../web/shared/api.js';
import { prefetchTicket, takePrefetchedTicket } from '../../web/agent/data/ticket-prefetch.js';

/** Records the paths asked for; answers each with the id it was asked for. */
function recordingApi(): { api: ApiClient; paths: string[] } {
  const paths: string[] = [];
  const api = {
    get: (path: string) => {
      paths.push(path);
      return Promise.resolve({ ticket: { id: Number(path.split('/').pop()) } });
    },
  } as unknown as ApiClient;
  return { api, paths };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ticket prefetch', () => {
  it('hands the view the request the click started, once', async () => {
    const { api, paths } = recordingApi();
    prefetchTicket(api, 41);
    prefetchTicket(api, 41);
    expect(paths).toEqual(['/tickets/41']);
    const taken = takePrefetchedTicket(41);
    expect((await taken)?.ticket.id).toBe(41);
    expect(takePrefetchedTicket(41)).toBeNull();
  });

  it('keeps only the newest ticket, and gives nothing for another', async () => {
    const { api, paths } = recordingApi();
    prefetchTicket(api, 1);
    prefetchTicket(api, 2);
    expect(paths).toEqual(['/tickets/1', '/tickets/2']);
    expect(takePrefetchedTicket(1)).toBeNull();
    expect((await takePrefetchedTicket(2))?.ticket.id).toBe(2);
  });

  it('does not use a prefetch that has grown old', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { api } = recordingApi();
    prefetchTicket(api, 7);
    vi.advanceTimersByTime(2500);
    expect(takePrefetchedTicket(7)).toBeNull();
  });
});
