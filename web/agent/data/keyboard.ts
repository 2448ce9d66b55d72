// The keyboard map, kept as data so the help dialog and the handler cannot disagree.
import type { MessageKey } from '../../shared/i18n/i18n.js';

export type ShortcutAction =
  | 'next'
  | 'prev'
  | 'open'
  | 'reply'
  | 'note'
  | 'assign'
  | 'resolve'
  | 'search'
  | 'help'
  | 'close'
  | 'select'
  | 'snooze'
  | 'label'
  | 'priority';

export interface Shortcut {
  keys: string[];
  action: ShortcutAction;
  label: MessageKey;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ['j'], action: 'next', label: 'keys.next' },
  { keys: ['k'], action: 'prev', label: 'keys.prev' },
  { keys: ['Enter'], action: 'open', label: 'keys.open' },
  { keys: ['x'], action: 'select', label: 'keys.select' },
  { keys: ['r'], action: 'reply', label: 'keys.reply' },
  { keys: ['n'], action: 'note', label: 'keys.note' },
  { keys: ['a'], action: 'assign', label: 'keys.assign' },
  { keys: ['l'], action: 'label', label: 'keys.label' },
  { keys: ['p'], action: 'priority', label: 'keys.priority' },
  { keys: ['s'], action: 'snooze', label: 'keys.snooze' },
  { keys: ['e'], action: 'resolve', label: 'keys.resolve' },
  { keys: ['/', 'Ctrl+K'], action: 'search', label: 'keys.search' },
  { keys: ['?'], action: 'help', label: 'keys.help' },
  { keys: ['Esc'], action: 'close', label: 'keys.close' },
];

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** True when focus is in a text field: single-letter shortcuts must not fire there. */
  inEditable: boolean;
}

export function actionForKey(e: KeyInput): ShortcutAction | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') return 'search';
  if (e.key === 'Escape') return 'close';
  if (e.inEditable || e.ctrlKey || e.metaKey || e.altKey) return null;
  for (const s of SHORTCUTS) {
    for (const k of s.keys) if (k === e.key) return s.action;
  }
  return null;
}
