import { html } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { avatarHue, initials } from '../../shared/format.js';

/** An avatar bubble: the picture when there is one, coloured initials otherwise. */
export function avatar(name: string | null | undefined, url: string | null = null, size = 28) {
  const style = styleMap({
    width: `${size}px`,
    height: `${size}px`,
    fontSize: `${Math.round(size * 0.4)}px`,
    background: `hsl(${avatarHue(name ?? '')} 45% 52%)`,
  });
  return html`<span class="avatar" style=${style} aria-hidden="true">${url && /^(https?:|\/)/.test(url)
    ? html`<img src=${url} alt="" />`
    : initials(name)}</span>`;
}
