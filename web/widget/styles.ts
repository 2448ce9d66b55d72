import { css } from 'lit';

/** One stylesheet for the frame's components; the brand color arrives as --kf-brand. */
export const base = css`
  :host {
    --kf-on-brand: #fff;
    --kf-text: #1f2937;
    --kf-muted: #6b7280;
    --kf-line: #e5e7eb;
    --kf-soft: #f3f4f6;
    --kf-danger: #b91c1c;
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif;
    font-size: 14px;
    line-height: 1.45;
    color: var(--kf-text);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  button { font: inherit; color: inherit; cursor: pointer; }
  button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid var(--kf-brand); outline-offset: 2px; }
  .icon-btn {
    display: inline-grid; place-items: center; width: 36px; height: 36px; border: 0; border-radius: 50%;
    background: transparent; color: inherit;
  }
  .icon-btn:hover { background: rgb(0 0 0 / 0.08); }
  .primary {
    border: 0; border-radius: 10px; padding: 11px 16px; background: var(--kf-brand); color: var(--kf-on-brand);
    font-weight: 600; width: 100%;
  }
  .primary:disabled { opacity: 0.6; cursor: default; }
  .link { border: 0; background: none; color: var(--kf-brand); padding: 4px 0; text-decoration: underline; }
  .field { display: grid; gap: 4px; margin-bottom: 12px; }
  .field label { font-weight: 600; font-size: 13px; }
  .field label small { font-weight: 400; color: var(--kf-muted); }
  .field input, .field textarea {
    font: inherit; font-size: var(--kf-field-size, inherit); padding: 10px 12px; border: 1px solid #d1d5db; border-radius: 10px; background: #fff; color: inherit; width: 100%;
  }
  .field textarea { min-height: 96px; resize: vertical; }
  .field .err { color: var(--kf-danger); font-size: 12px; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
