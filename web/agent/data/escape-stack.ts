// Esc closes the innermost thing open (a menu, a dialog, the lightbox) and only that: the shell's
// own Esc, which closes the ticket, waits until nothing is open on top of it.

const stack: Array<() => void> = [];

/** Registers how to close something just opened; call the returned function when it closes. */
export function onEscape(close: () => void): () => void {
  stack.push(close);
  return () => {
    const i = stack.lastIndexOf(close);
    if (i >= 0) stack.splice(i, 1);
  };
}

/** Closes the most recently opened thing; false when nothing was open. */
export function closeInnermost(): boolean {
  const close = stack.pop();
  if (!close) return false;
  close();
  return true;
}

/** While something is open on top, shortcuts meant for the page under it stay quiet. */
export const overlayOpen = (): boolean => stack.length > 0;
