import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedTransactions } from '../../../server/intake/shared-transaction.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** Whether another connection sees the label: only committed rows are visible there. */
async function committedLabel(name: string): Promise<boolean> {
  const database = t.ctx.database;
  // On PostgreSQL any pooled connection but the transaction's; SQLite's one connection is the transaction's, so a second handle.
  if (database.driver === 'postgres') return (await database.db.selectFrom('labels').select('id').where('name', '=', name).executeTakeFirst()) !== undefined;
  const other = new Database(database.file, { readonly: true });
  try {
    return other.prepare('select 1 as x from labels where name = ?').get(name) !== undefined;
  } finally {
    other.close();
  }
}

const labelNames = async (prefix: string) =>
  (await t.ctx.db.selectFrom('labels').select('name').where('name', 'like', `${prefix}%`).orderBy('name').execute()).map((r) => r.name);

describe('shared transactions', () => {
  it('commits concurrent units together and undoes only the one that failed, with its side effects', async () => {
    const shared = new SharedTransactions(t.ctx.database);
    const committed: string[] = [];
    const unit = (name: string, fail: boolean) =>
      shared.run(async (tx, onCommit) => {
        await tx.insertInto('labels').values({ name, created_at: Date.now() }).execute();
        onCommit(() => committed.push(name));
        if (fail) throw new Error(`unit ${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([unit('shared-a', false), unit('shared-b', false), unit('shared-c', true), unit('shared-d', false)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await labelNames('shared-')).toEqual(['shared-a', 'shared-b', 'shared-d']);
    expect(committed.sort()).toEqual(['shared-a', 'shared-b', 'shared-d']);
  });

  it('runs the units beside a failed one together again, in one transaction', async () => {
    const shared = new SharedTransactions(t.ctx.database);
    const runs: string[] = [];
    const unit = (name: string, fail: boolean) =>
      shared.run(async (tx) => {
        runs.push(name);
        await tx.insertInto('labels').values({ name, created_at: Date.now() }).execute();
        if (fail) throw new Error(`unit ${name} failed`);
        // Within the batch run again, each unit sees the rows of those before it: they share a transaction.
        return (await tx.selectFrom('labels').select('name').where('name', 'like', 'beside-%').execute()).length;
      });
    const results = await Promise.allSettled([unit('beside-a', false), unit('beside-x', true), unit('beside-b', false), unit('beside-c', false)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([1, 'rejected', 2, 3]);
    expect(runs).toEqual(['beside-a', 'beside-x', 'beside-a', 'beside-b', 'beside-c', 'beside-x']);
    expect(await labelNames('beside-')).toEqual(['beside-a', 'beside-b', 'beside-c']);
  });

  it('rolls a lone failing unit back entirely', async () => {
    const shared = new SharedTransactions(t.ctx.database);
    await expect(
      shared.run(async (tx) => {
        await tx.insertInto('labels').values({ name: 'lone-x', created_at: Date.now() }).execute();
        throw new Error('lone unit failed');
      }),
    ).rejects.toThrow('lone unit failed');
    expect(await labelNames('lone-')).toEqual([]);
  });

  it('settles a caller only after the commit holding its work', async () => {
    const shared = new SharedTransactions(t.ctx.database);
    const seen: boolean[] = [];
    await Promise.all(
      ['after-a', 'after-b', 'after-c'].map((name) =>
        shared.run(async (tx) => tx.insertInto('labels').values({ name, created_at: Date.now() }).execute()).then(async () => {
          seen.push(await committedLabel(name));
        }),
      ),
    );
    expect(seen).toEqual([true, true, true]);
  });

  it('runs units that arrive together in one transaction', async () => {
    const shared = new SharedTransactions(t.ctx.database);
    const unit = (name: string) =>
      shared.run(async (tx) => {
        await tx.insertInto('labels').values({ name, created_at: Date.now() }).execute();
        // Inside one transaction each unit sees the (not yet committed) rows of the units before it.
        return (await tx.selectFrom('labels').select('name').where('name', 'like', 'together-%').execute()).length;
      });
    expect(await Promise.all([unit('together-a'), unit('together-b'), unit('together-c')])).toEqual([1, 2, 3]);
  });
});

