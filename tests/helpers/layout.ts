import type { Page } from 'playwright-core';

/**
 * What sticks out sideways on the page, shadow roots included: elements reaching past the viewport's left or
 * right edge (the app frame clips them, so they are cut off rather than scrollable), and boxes that scroll
 * sideways without being meant to. `scrollers` lists the boxes allowed to scroll sideways (a wide table in its
 * own box, a strip of tabs): a selector, or a component's tag then a selector inside its shadow root
 * ('kf-admin nav'). Text cut with an ellipsis is fine.
 */
export function horizontalOverflow(page: Page, scrollers: string[] = []): Promise<string[]> {
  return page.evaluate((allowed) => {
    const width = window.innerWidth;
    const problems: string[] = [];
    const describe = (el: Element) => {
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      const host = (el.getRootNode() as ShadowRoot).host;
      return `${host ? host.localName + ' ' : ''}${el.localName}${cls}`;
    };
    const isScroller = (el: Element) =>
      allowed.some((sel) => {
        const [tag, ...rest] = sel.split(' ');
        const host = (el.getRootNode() as ShadowRoot).host;
        return rest.length && host?.localName === tag ? el.matches(rest.join(' ')) : el.matches(sel);
      });
    const parentOf = (el: Element): Element | null => el.parentElement ?? ((el.getRootNode() as ShadowRoot).host || null);
    const contained = (el: Element): boolean => {
      for (let p = parentOf(el); p; p = parentOf(p)) {
        const s = getComputedStyle(p);
        if (s.textOverflow === 'ellipsis' && s.overflowX === 'hidden') return true;
        if (s.overflowX === 'auto' || s.overflowX === 'scroll') return isScroller(p);
      }
      return false;
    };
    const visit = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1) && !contained(el)) problems.push(`${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
        const s = getComputedStyle(el);
        if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !isScroller(el)) {
          problems.push(`${describe(el)} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
        }
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    if (document.documentElement.scrollWidth > width) problems.push(`document is ${document.documentElement.scrollWidth} px wide`);
    return problems;
  }, scrollers);
}

/** Whether the box lies wholly inside the viewport. */
export async function insideViewport(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
}
