import { html } from 'lit';
import { avatarHue, initials } from '../../shared/format.js';

/** An avatar bubble: the picture when there is one, coloured initials otherwise. */
export function avatar(name: string | null | undefined, url: string | null = null, size = 28) {
  // One style attribute that Lit rewrites only when its text changes; a style map sets every property
  // again on each render, and a list re-rendered for a new selection restyles every avatar in it.
  return html`<span class="avatar" style="width:${size}px;height:${size}px;font-size:${Math.round(size * 0.4)}px;background:hsl(${avatarHue(name ?? '')} 45% 52%)" aria-hidden="true">${url && /^(https?:|\/)/.test(url)
    ? html`<img src=${url} alt="" />`
    : initials(name)}</span>`;
}
