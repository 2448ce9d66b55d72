import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../../web/shared/api.js';
import type { TicketDetail } from '../../web/shared/types.js';
import { loadTicket, prefetchTicket, takePrefetchedTicket, type TicketSource } from '../../web/agent/data/ticket-prefetch.js';

const detail = (id: number) => ({ ticket: { id } }) as unknown as TicketDetail;

/**
 * Records the HTTP paths and live opens asked for; HTTP answers each with the id asked for, the
 * live connection as `live` says (null: not connected).
 */
function recordingSource(live: (id: number) => Promise<TicketDetail> | null = () => null) {
  const paths: string[] = [];
  const opened: number[] = [];
  const api = {
    get: (path: string) => {
      paths.push(path);
      return Promise.resolve(detail(Number(path.split('/').pop())));
    },
  } as unknown as ApiClient;
  const source: TicketSource = {
    api,
    openTicket: (id) => {
      opened.push(id);
      return live(id);
    },
  };
  return { source, paths, opened };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ticket prefetch', () => {
  it('hands the view the request the click started, once', async () => {
    const { source, paths } = recordingSource();
    prefetchTicket(source, 41);
    prefetchTicket(source, 41);
    expect(paths).toEqual(['/tickets/41']);
    const taken = takePrefetchedTicket(41);
    expect((await taken)?.ticket.id).toBe(41);
    expect(takePrefetchedTicket(41)).toBeNull();
  });

  it('keeps only the newest ticket, and gives nothing for another', async () => {
    const { source, paths } = recordingSource();
    prefetchTicket(source, 1);
    prefetchTicket(source, 2);
    expect(paths).toEqual(['/tickets/1', '/tickets/2']);
    expect(takePrefetchedTicket(1)).toBeNull();
    expect((await takePrefetchedTicket(2))?.ticket.id).toBe(2);
  });

  it('does not use a prefetch that has grown old', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { source } = recordingSource();
    prefetchTicket(source, 7);
    vi.advanceTimersByTime(2500);
    expect(takePrefetchedTicket(7)).toBeNull();
  });
});

describe('loading a ticket', () => {
  it('takes the live connection when it is open, without an HTTP request', async () => {
    const { source, paths, opened } = recordingSource((id) => Promise.resolve(detail(id * 10)));
    expect((await loadTicket(source, 5)).ticket.id).toBe(50);
    expect(opened).toEqual([5]);
    expect(paths).toEqual([]);
  });

  it('goes over HTTP when the live connection drops or fails to answer', async () => {
    const { source, paths } = recordingSource(() => Promise.reject(new Error('The live connection closed.')));
    expect((await loadTicket(source, 6)).ticket.id).toBe(6);
    expect(paths).toEqual(['/tickets/6']);
  });

  it('reports a ticket the live connection does not find, without asking HTTP the same', async () => {
    const { source, paths } = recordingSource(() => Promise.reject(new ApiError(404, 'not_found', 'No such ticket.')));
    await expect(loadTicket(source, 8)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(paths).toEqual([]);
  });
});
