import { css } from 'lit';

/** The launcher and the panel around the conversation. */
export const chatStyles = css`
  :host { position: fixed; inset: 0; display: block; background: transparent; --kf-brand: #2563eb; }
  .launcher {
    position: absolute; right: 12px; bottom: 12px; width: 60px; height: 60px; border-radius: 50%; border: 0;
    background: var(--kf-brand); color: var(--kf-on-brand); display: grid; place-items: center;
    box-shadow: 0 3px 10px rgb(0 0 0 / 0.22);
    transition: transform 0.15s ease;
  }
  .launcher:hover { transform: scale(1.05); }
  .launcher svg { width: 28px; height: 28px; }
  .badge {
    position: absolute; top: -2px; right: -2px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;
    background: #dc2626; color: #fff; font-size: 12px; font-weight: 700; display: grid; place-items: center;
    border: 2px solid #fff;
  }
  .panel {
    position: absolute; inset: 16px 8px 84px 16px; display: flex; flex-direction: column; overflow: hidden;
    background: #fff; border-radius: 16px; box-shadow: 0 6px 16px rgb(0 0 0 / 0.14), 0 0 0 1px rgb(0 0 0 / 0.05);
  }
  :host([mode='inline']) .panel { inset: 0; border-radius: 12px; box-shadow: 0 0 0 1px var(--kf-line); }
  .mobile .panel { inset: 0; border-radius: 0; }
  /* Phone browsers (Safari) zoom the page into a field whose text is under 16 px. */
  .mobile { --kf-field-size: 16px; }
  .scroll { flex: 1; overflow-y: auto; overscroll-behavior: contain; background: #fff; }
  .banner { padding: 8px 14px; font-size: 12px; background: #fef3c7; color: #92400e; }
  .banner.info { background: #eff6ff; color: #1e40af; }
  .banner.error { background: #fef2f2; color: #991b1b; }
  .ended { text-align: center; color: var(--kf-muted); font-size: 13px; padding: 8px; }
  .newchat { display: block; margin: 0 auto 12px; }
  .drop {
    position: absolute; inset: 0; z-index: 3; display: grid; place-items: center; text-align: center;
    background: rgb(255 255 255 / 0.92); border: 2px dashed var(--kf-brand); border-radius: inherit; color: var(--kf-brand);
    font-weight: 600; pointer-events: none;
  }
  .drop small { display: block; font-weight: 400; color: var(--kf-muted); }
  footer { text-align: center; font-size: 11px; color: #9ca3af; padding: 4px 0 6px; background: #fff; }
  .center { display: grid; place-items: center; height: 100%; color: var(--kf-muted); padding: 24px; text-align: center; }
    `;
