import { css } from 'lit';

/** Controls shared by every component: buttons, fields, chips, avatars. */
export const base = css`
  :host {
    font-family: var(--kf-font);
    font-size: var(--kf-text-md);
    color: var(--kf-text);
  }
  *, *::before, *::after { box-sizing: border-box; }
  [hidden] { display: none !important; }
  button, input, select, textarea { font: inherit; color: inherit; }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    height: 30px;
    padding: 0 12px;
    border: 1px solid var(--kf-border-strong);
    border-radius: var(--kf-radius);
    background: var(--kf-bg-elevated);
    color: var(--kf-text);
    font-weight: 500;
    font-size: var(--kf-text-md);
    white-space: nowrap;
    text-decoration: none;
    cursor: pointer;
    box-shadow: var(--kf-shadow-sm);
    transition: background 0.12s, border-color 0.12s;
  }
  .btn:hover { background: var(--kf-bg-hover); }
  .btn:focus-visible, .icon-btn:focus-visible, .field:focus, select.field:focus, textarea.field:focus {
    outline: none;
    box-shadow: var(--kf-focus);
    border-color: var(--kf-accent);
  }
  .btn:disabled { opacity: 0.55; cursor: default; }
  .btn.primary { background: var(--kf-accent); border-color: var(--kf-accent); color: var(--kf-accent-text); }
  .btn.primary:hover { background: var(--kf-accent-hover); }
  .btn.danger { color: var(--kf-danger); }
  .btn.ghost { border-color: transparent; background: transparent; box-shadow: none; }
  .btn.ghost:hover { background: var(--kf-bg-hover); }
  .btn.sm { height: 26px; padding: 0 8px; font-size: var(--kf-text-sm); }
  .icon-btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 28px;
    height: 28px;
    border: 0;
    border-radius: var(--kf-radius);
    background: transparent;
    color: var(--kf-text-muted);
    cursor: pointer;
  }
  .icon-btn:hover { background: var(--kf-bg-hover); color: var(--kf-text); }
  .field {
    width: 100%;
    height: 32px;
    padding: 0 10px;
    border: 1px solid var(--kf-border-strong);
    border-radius: var(--kf-radius);
    background: var(--kf-bg);
    color: var(--kf-text);
  }
  textarea.field { height: auto; padding: 8px 10px; resize: vertical; line-height: 1.5; }
  select.field { padding-right: 4px; }
  label.lbl { display: block; font-size: var(--kf-text-sm); font-weight: 500; color: var(--kf-text-muted); margin-bottom: 4px; }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    height: 20px;
    padding: 0 7px;
    border-radius: 10px;
    background: var(--kf-bg-sunken);
    color: var(--kf-text-muted);
    font-size: var(--kf-text-xs);
    font-weight: 500;
    white-space: nowrap;
    max-width: 140px;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .dot { display: inline-block; width: 7px; height: 7px; border-radius: 50%; flex: none; }
  .avatar {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    flex: none;
    width: 28px;
    height: 28px;
    border-radius: 50%;
    font-size: 11px;
    font-weight: 600;
    color: #fff;
    overflow: hidden;
  }
  .avatar img { width: 100%; height: 100%; object-fit: cover; }
  .muted { color: var(--kf-text-muted); }
  .faint { color: var(--kf-text-faint); }
  .ellipsis { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
  .error-text { color: var(--kf-danger); font-size: var(--kf-text-sm); }
  .kbd {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 20px;
    height: 20px;
    padding: 0 5px;
    border: 1px solid var(--kf-border-strong);
    border-bottom-width: 2px;
    border-radius: 4px;
    font-family: var(--kf-font-mono);
    font-size: 11px;
    color: var(--kf-text-muted);
    background: var(--kf-bg-subtle);
  }
  .card { border: 1px solid var(--kf-border); border-radius: var(--kf-radius-lg); background: var(--kf-bg-elevated); }
  .section-title {
    font-size: var(--kf-text-xs);
    font-weight: 600;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--kf-text-faint);
  }
  ::-webkit-scrollbar { width: 10px; height: 10px; }
  ::-webkit-scrollbar-thumb { background: var(--kf-border-strong); border-radius: 5px; border: 2px solid transparent; background-clip: padding-box; }
  ::-webkit-scrollbar-track { background: transparent; }
`;

/** A floating panel (menus, pickers, popovers). */
export const popover = css`
  .pop {
    position: absolute;
    z-index: 30;
    min-width: 220px;
    max-width: 320px;
    padding: 4px;
    border: 1px solid var(--kf-border);
    border-radius: var(--kf-radius-lg);
    background: var(--kf-bg-elevated);
    box-shadow: var(--kf-shadow);
  }
  .pop .item {
    display: flex;
    align-items: center;
    gap: 8px;
    width: 100%;
    height: 30px;
    padding: 0 8px;
    border: 0;
    border-radius: var(--kf-radius);
    background: transparent;
    text-align: left;
    cursor: pointer;
  }
  .pop .item:hover, .pop .item.active { background: var(--kf-bg-hover); }
  .pop .item:focus-visible { outline: none; background: var(--kf-bg-hover); }
`;

/** Modal dialogs drawn over the app. */
export const modal = css`
  .backdrop { position: fixed; inset: 0; z-index: 80; background: rgba(10, 10, 16, 0.42); display: flex; align-items: flex-start; justify-content: center; padding: 12vh 16px 16px; }
  .dialog { width: 480px; max-width: 100%; max-height: 76vh; display: flex; flex-direction: column; background: var(--kf-bg-elevated); border: 1px solid var(--kf-border); border-radius: 12px; box-shadow: var(--kf-shadow-lg); overflow: hidden; }
  .dialog > header { display: flex; align-items: center; gap: 8px; padding: 14px 16px; border-bottom: 1px solid var(--kf-border); }
  .dialog > header h2 { flex: 1; margin: 0; font-size: var(--kf-text-lg); font-weight: 650; }
  .dialog .content { padding: 16px; display: grid; gap: 12px; overflow-y: auto; }
  .dialog > footer { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 16px; border-top: 1px solid var(--kf-border); background: var(--kf-bg-subtle); }
`;
