// DOM helpers. Text is always set as text (never innerHTML): container names, log lines and
// error messages come from outside.
import { type Attrs, apply, type Child, h } from '@surge-lab/web-kit/dom';

export { type Attrs, h };

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs, children);
  return el;
}

/** Sets text only when it changed (keeps screen readers and selections calm on every poll). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function setAttr(el: Element, name: string, value: string | undefined): void {
  if (value === undefined) el.removeAttribute(name);
  else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/**
 * Keyed update of a list: existing elements are kept (so focus stays on a button while the list
 * is polled), new ones created, gone ones removed, and the order made to match `items`.
 */
export function reconcile<T>(parent: Element, items: readonly T[], key: (item: T) => string, create: (item: T) => HTMLElement, update: (el: HTMLElement, item: T) => void): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(parent.children)) {
    const k = (child as HTMLElement).dataset.key;
    if (k !== undefined) existing.set(k, child as HTMLElement);
  }
  let previous: Element | null = null;
  const keep = new Set<string>();
  for (const item of items) {
    const k = key(item);
    keep.add(k);
    let el = existing.get(k);
    if (!el) {
      el = create(item);
      el.dataset.key = k;
    }
    const want: Element | null = previous ? previous.nextElementSibling : parent.firstElementChild;
    if (want !== el) parent.insertBefore(el, want);
    // In the document before it is filled: a chart measures its width there.
    update(el, item);
    previous = el;
  }
  for (const [k, el] of existing) if (!keep.has(k)) el.remove();
}

/** A visible message box that screen readers also hear (aria-live). Errors get the problem style. */
export interface MessageBox {
  el: HTMLElement;
  show(text: string, tone?: 'info' | 'ok' | 'problem'): void;
  clear(): void;
}

export function messageBox(): MessageBox {
  const el = h('div', { class: 'msg', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  el.hidden = true;
  return {
    el,
    show(text, tone = 'info') {
      el.className = `msg ${tone}`;
      setText(el, text);
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/** A scrollable log (<pre>) that stays scrolled to the end unless the reader scrolled up. */
export function logView(label: string): { el: HTMLPreElement; set(lines: readonly string[]): void } {
  const el = h('pre', { class: 'log', tabindex: 0, role: 'log', 'aria-live': 'off', 'aria-label': label });
  return {
    el,
    set(lines) {
      const text = lines.join('\n');
      if (el.textContent === text) return;
      const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      el.textContent = text;
      if (atEnd) el.scrollTop = el.scrollHeight;
    },
  };
}

/** A form field that can show its own problem: the input, its error line and its hint's id. */
export interface FieldSlot {
  input: HTMLElement;
  error: HTMLElement;
  hintId: string;
}

/** Shows problems next to a field (aria-invalid, the error read with the hint) or clears them. */
export function setFieldError(slot: FieldSlot, problems: readonly string[] | undefined): void {
  if (problems?.length) {
    slot.input.setAttribute('aria-invalid', 'true');
    slot.input.setAttribute('aria-describedby', `${slot.error.id} ${slot.hintId}`);
    slot.error.textContent = problems.join('; ');
    slot.error.hidden = false;
  } else {
    slot.input.removeAttribute('aria-invalid');
    slot.input.setAttribute('aria-describedby', slot.hintId);
    slot.error.textContent = '';
    slot.error.hidden = true;
  }
}

/** Puts each field's problems next to it (clearing the others); returns the first field marked, to focus. */
export function showFieldErrors(slots: ReadonlyMap<string, FieldSlot>, byField: ReadonlyMap<string, readonly string[]>): HTMLElement | undefined {
  let first: HTMLElement | undefined;
  for (const [key, slot] of slots) {
    const problems = byField.get(key);
    setFieldError(slot, problems);
    if (problems?.length) first ??= slot.input;
  }
  return first;
}
