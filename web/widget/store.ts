/**
 * Where the frame keeps its state. Embedded, it is the host page's localStorage reached through the loader
 * (third-party storage is often blocked); opened on its own, the frame's localStorage.
 */
export interface Store {
  get(key: string): string | null;
  set(key: string, value: string | null): void;
  /** Called when another tab changed a key. */
  onChange(fn: (key: string) => void): void;
}

export class MemoryStore implements Store {
  readonly #items = new Map<string, string>();
  readonly #listeners: Array<(key: string) => void> = [];

  constructor(private readonly persist: (key: string, value: string | null) => void) {}

  /** Items the host sent: the initial snapshot, then other tabs' changes. */
  load(items: Record<string, string | null>, notify: boolean): void {
    for (const [key, value] of Object.entries(items)) {
      if (value === null) this.#items.delete(key);
      else this.#items.set(key, value);
      if (notify) for (const fn of this.#listeners) fn(key);
    }
  }

  get(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  set(key: string, value: string | null): void {
    if (value === null) this.#items.delete(key);
    else this.#items.set(key, value);
    this.persist(key, value);
  }

  onChange(fn: (key: string) => void): void {
    this.#listeners.push(fn);
  }
}

export function localStore(): Store {
  return {
    get: (key) => {
      try {
        return localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set: (key, value) => {
      try {
        if (value === null) localStorage.removeItem(key);
        else localStorage.setItem(key, value);
      } catch {
        // Storage refused: state lives for this page view only.
      }
    },
    onChange: (fn) => addEventListener('storage', (e) => e.key && fn(e.key)),
  };
}
