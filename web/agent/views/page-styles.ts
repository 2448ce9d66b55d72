import { css } from 'lit';

/** Layout for full-width pages (contacts, settings, profile). */
export const page = css`
  :host { display: flex; flex-direction: column; height: 100%; min-width: 0; overflow: hidden; background: var(--kf-bg); }
  .page-head { display: flex; align-items: center; gap: 10px; height: 56px; padding: 0 24px; border-bottom: 1px solid var(--kf-border); flex: none; }
  .page-head h1 { margin: 0; font-size: var(--kf-text-lg); font-weight: 650; flex: 1; letter-spacing: -0.01em; }
  .page-body { flex: 1; overflow-y: auto; padding: 24px; }
  .narrow { max-width: 760px; }
  table { width: 100%; border-collapse: collapse; }
  th { text-align: left; font-size: var(--kf-text-xs); font-weight: 600; color: var(--kf-text-faint); text-transform: uppercase; letter-spacing: 0.04em; padding: 8px 10px; border-bottom: 1px solid var(--kf-border); white-space: nowrap; }
  td { padding: 0 10px; height: 44px; border-bottom: 1px solid var(--kf-border); vertical-align: middle; }
  tr.link { cursor: pointer; }
  tr.link:hover td { background: var(--kf-bg-hover); }
  .who { display: flex; align-items: center; gap: 10px; min-width: 0; font-weight: 500; }
  .num { font-variant-numeric: tabular-nums; }
  .empty { padding: 40px; text-align: center; color: var(--kf-text-faint); }
  .form-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; align-items: end; }
  .panel { border: 1px solid var(--kf-border); border-radius: var(--kf-radius-lg); background: var(--kf-bg-elevated); }
  .panel + .panel { margin-top: 16px; }
  .panel > h2 { margin: 0; padding: 14px 16px; font-size: var(--kf-text-md); font-weight: 650; border-bottom: 1px solid var(--kf-border); display: flex; align-items: center; gap: 8px; }
  .panel > h2 .grow { flex: 1; }
  .panel > .body { padding: 16px; }
  .panel > p.desc { margin: 0; padding: 12px 16px 0; color: var(--kf-text-muted); }
  .row-actions { display: flex; gap: 4px; justify-content: flex-end; }
  /* Phone: narrower margins, and a table too wide for the screen scrolls in its own box, not the page. */
  @media (max-width: 700px) {
    .page-head { padding: 0 12px 0 16px; }
    .page-body { padding: 16px 12px; }
    table { display: block; overflow-x: auto; }
    /* The table inside the box would shrink to its content; a last column claiming the rest makes it fill the box. */
    th:last-child { width: 100%; }
  }
`;
