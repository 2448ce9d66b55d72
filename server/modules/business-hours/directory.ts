import type { DbOrTx } from '../../db/database.js';
import { compileCalendar, type CompiledCalendar } from './calendar.js';
import type { CalendarSource } from './calendar-source.js';
import { toCalendar } from './queries.js';

/** Something that uses a calendar, as shown to an admin who tries to delete it. */
export interface CalendarUser {
  kind: string;
  name: string;
}

/**
 * Lists what uses calendar `id`; each module that names calendars registers one. It is asked
 * inside the delete's transaction, so a module that reads the database reads through `db`: the
 * connection is that transaction's until it ends.
 */
export type CalendarUsersOf = (id: number, db: DbOrTx) => CalendarUser[] | Promise<CalendarUser[]>;

/**
 * Calendars by id for code that must answer synchronously (is the widget open right now?),
 * compiled once and forgotten when one is written, plus the registry of what uses each.
 */
export class BusinessHoursDirectory {
  readonly #compiled = new Map<number, CompiledCalendar | null>();
  readonly #users = new Map<string, CalendarUsersOf>();
  /** the default calendar's id once looked up; undefined: not yet */
  #defaultId: number | null | undefined;
  readonly #source: CalendarSource;

  constructor(source: CalendarSource) {
    this.#source = source;
  }

  /** The desk's default calendar: the first one made. Null when there is none. */
  defaultCalendar(): CompiledCalendar | null {
    if (this.#defaultId === undefined) this.#defaultId = this.#source.firstId();
    return this.#defaultId === null ? null : this.calendar(this.#defaultId);
  }

  /** The calendar, or null when there is no such id. */
  calendar(id: number): CompiledCalendar | null {
    if (this.#compiled.has(id)) return this.#compiled.get(id) ?? null;
    const row = this.#source.row(id);
    const found = row ? compileCalendar(toCalendar(row)) : null;
    this.#compiled.set(id, found);
    return found;
  }

  /**
   * After a calendar is made, changed or deleted. Settles once reads see the change: at once on
   * SQLite, after the re-read where the source holds copies (PostgreSQL).
   */
  forget(id: number): Promise<void> | undefined {
    this.#compiled.delete(id);
    this.#defaultId = undefined;
    // A source that re-reads in the background: what was compiled meanwhile came from the old copy.
    return this.#source.changed()?.then(() => {
      this.#compiled.delete(id);
      this.#defaultId = undefined;
    });
  }

  /** `kind` names the module (e.g. "widget channel"); registering the same kind again replaces it. */
  registerUsers(kind: string, usersOf: CalendarUsersOf): () => void {
    this.#users.set(kind, usersOf);
    return () => {
      if (this.#users.get(kind) === usersOf) this.#users.delete(kind);
    };
  }

  async usersOf(id: number, db: DbOrTx): Promise<CalendarUser[]> {
    const lists = await Promise.all([...this.#users.values()].map((fn) => fn(id, db)));
    return lists.flat();
  }
}
