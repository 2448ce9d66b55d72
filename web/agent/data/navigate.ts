// In-app navigation: the route changes at once, the address bar follows after the next paint.
//
// Writing the URL is a same-document navigation that the browser process commits and records in
// session history: measured here at 10 ms of the browser's CPU and 5-7 ms of the page's, for each
// ticket opened. Done at the click, that work competed with the request and the render the agent
// is waiting for. The hash is still the route: a reload, a deep link and the back button read it.

type Listener = (hash: string) => void;

const listeners = new Set<Listener>();
let pending: string | null = null;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

/** The route's hash: the one just navigated to, even before the address bar shows it. */
export function currentHash(): string {
  return pending ?? location.hash;
}

/** Calls `fn` with the new hash on every navigation, in-app or by the browser (back, forward, typed URL). */
export function onNavigate(fn: Listener): () => void {
  if (listeners.size === 0) window.addEventListener('hashchange', onHashChange);
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0) window.removeEventListener('hashchange', onHashChange);
  };
}

/** Moves the app to `hash` now and adds it to the browser history once the new screen is painted. */
export function navigate(hash: string): void {
  if (hash === currentHash()) return;
  pending = hash;
  for (const fn of listeners) fn(hash);
  if (flushTimer !== undefined) return;
  // A frame callback then a task runs after that frame's paint; the timer alone covers a hidden tab,
  // where frames do not come.
  flushTimer = setTimeout(flush, 250);
  requestAnimationFrame(() => setTimeout(flush));
}

function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const hash = pending;
  pending = null;
  if (hash !== null && hash !== location.hash) history.pushState(null, '', hash);
}

function onHashChange(): void {
  // The browser moved (back, forward, an edited URL): what it shows wins over a write still waiting.
  clearTimeout(flushTimer);
  flushTimer = undefined;
  pending = null;
  for (const fn of listeners) fn(location.hash);
}
