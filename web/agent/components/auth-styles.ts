import { css } from 'lit';

export const authStyles = css`
  :host { display: flex; min-height: 100vh; align-items: center; justify-content: center; background: var(--kf-bg-subtle); padding: 24px; }
  :host([overlay]) { position: fixed; inset: 0; z-index: 100; background: rgba(10, 10, 16, 0.45); min-height: 0; }
  .panel { width: 360px; max-width: 100%; padding: 32px; background: var(--kf-bg-elevated); border: 1px solid var(--kf-border); border-radius: 14px; box-shadow: var(--kf-shadow); }
  .brand { display: flex; align-items: center; gap: 10px; margin-bottom: 24px; font-size: 16px; font-weight: 650; letter-spacing: -0.01em; }
  .logo { width: 28px; height: 28px; border-radius: 8px; background: var(--kf-accent); color: var(--kf-accent-text); display: grid; place-items: center; font-weight: 700; font-size: 15px; }
  h1 { font-size: var(--kf-text-xl); font-weight: 650; margin: 0 0 4px; letter-spacing: -0.01em; }
  p.sub { margin: 0 0 20px; color: var(--kf-text-muted); }
  form { display: grid; gap: 14px; }
  .btn.primary { height: 36px; width: 100%; margin-top: 4px; }
  .alert { padding: 8px 10px; border-radius: var(--kf-radius); background: var(--kf-danger-soft); color: var(--kf-danger); font-size: var(--kf-text-sm); }
  .info { padding: 8px 10px; border-radius: var(--kf-radius); background: var(--kf-warning-soft); color: var(--kf-warning); font-size: var(--kf-text-sm); }
  .done { padding: 10px 12px; border-radius: var(--kf-radius); background: var(--kf-success-soft); color: var(--kf-text); font-size: var(--kf-text-sm); line-height: 1.5; }
  p.sub.small { margin: 12px 0 0; font-size: var(--kf-text-sm); }
  .links { margin-top: 14px; display: flex; justify-content: center; }
  .link { border: 0; background: none; padding: 2px 4px; color: var(--kf-accent); font: inherit; font-size: var(--kf-text-sm); cursor: pointer; border-radius: 4px; }
  .link:hover { text-decoration: underline; }
  .foot { margin-top: 20px; display: flex; justify-content: center; }
  .foot select { border: 0; background: transparent; color: var(--kf-text-muted); font-size: var(--kf-text-sm); cursor: pointer; }
`;
