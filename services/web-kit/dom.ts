// Browser helpers shared by the storefront and the lab console: elements built with text set as
// text, never as HTML (product names, container names and messages come from outside).
export type Child = Node | string | false | null | undefined;
export type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** Sets attributes (functions become listeners: onclick → click) and appends the children. */
export function apply(el: Element, attrs: Attrs, children: Child[]): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c) el.append(c);
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs, children);
  return el;
}
