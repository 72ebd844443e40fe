// Faults: Reset all, the faults in place (countdown, revert), and a form built from the fault
// catalog's JSON schemas (sections/../schema-form.ts). A 400's details go next to the fields
// they name, with aria-invalid and aria-describedby.
import { ApiError } from '../api.ts';
import { CHANGED, type Ctx, loadUntilOk, notifyChanged, type Section, showError } from '../app.ts';
import { type FieldSlot, h, messageBox, reconcile, setText, showFieldErrors } from '../dom.ts';
import { clockText, countdownText } from '../format.ts';
import { poll } from '../poll.ts';
import { describeFields, type FieldDescriptor, fieldProblems, optionKey, type RawValues, readArgs, readDuration, selectOptions, type TopologyChoices } from '../schema-form.ts';
import { type CatalogFault, type FaultInPlace, type Topology, visibleLinks } from '../types.ts';

const idFor = (name: string) => `arg-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const DURATION = 'durationSeconds';

function choices(t: Topology | undefined): TopologyChoices {
  const services = (t?.services ?? []).map((s) => s.name).sort();
  const links = visibleLinks(t)
    .map((l) => l.name)
    .sort();
  return { services, links, replicas: (name) => (t?.services.find((s) => s.name === name)?.containers ?? []).map((c) => c.number).sort((a, b) => a - b) };
}

/** Puts `options` in a select, keeping the chosen value when it is still offered. */
function fillSelect(select: HTMLSelectElement, d: FieldDescriptor, options: { value: string; label: string }[]): void {
  const keys = options.map((o) => `${o.value}\u0000${o.label}`).join('\u0001');
  if (select.dataset.options === keys) return;
  const before = select.value;
  const placeholder = d.default === undefined ? [h('option', { value: '' }, d.required ? 'Choose…' : '(server default)')] : [];
  select.replaceChildren(...placeholder, ...options.map((o) => h('option', { value: o.value }, o.label)));
  select.dataset.options = keys;
  if (options.some((o) => o.value === before) || (before === '' && placeholder.length)) select.value = before;
  else if (d.default !== undefined && options.some((o) => o.value === optionKey(d.default!))) select.value = optionKey(d.default);
}

export function faultsSection(ctx: Ctx): Section {
  // Reset all
  const resetMsg = messageBox();
  const resetButton = h('button', { type: 'button', class: 'danger big', 'aria-describedby': 'reset-hint' }, 'Reset all');
  const resetBlock = h(
    'div',
    { class: 'reset' },
    resetButton,
    h('p', { id: 'reset-hint', class: 'muted small' }, 'Reverts every fault in place, removes every toxic, enables every link and starts every stopped or paused container.'),
    resetMsg.el,
  );

  // Faults in place
  const listMsg = messageBox();
  const pollMsg = messageBox();
  const inPlace = h('ul', { class: 'in-place', 'aria-labelledby': 'in-place-h' });
  const none = h('p', { class: 'muted' }, 'Loading the faults in place…');
  const inPlaceHeading = h('h3', { id: 'in-place-h', tabindex: -1 }, 'Faults in place');

  // The form
  const formMsg = messageBox();
  const faultSelect = h('select', { id: 'fault-name', name: 'fault', required: true, 'aria-describedby': 'fault-summary' });
  const summary = h('p', { id: 'fault-summary', class: 'muted small' });
  const fieldsBox = h('div', { class: 'fields' });
  const duration = h('input', { id: 'fault-duration', name: DURATION, type: 'number', min: 1, step: 1, inputmode: 'numeric', 'aria-describedby': 'fault-duration-hint' });
  const durationError = h('p', { id: 'fault-duration-error', class: 'field-error', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Inject');
  const form = h(
    'form',
    { class: 'fault-form', 'aria-labelledby': 'inject-h' },
    h('div', { class: 'field' }, h('label', { for: 'fault-name' }, 'Fault'), faultSelect, summary),
    fieldsBox,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'fault-duration' }, 'Duration (seconds)'),
      duration,
      h('p', { id: 'fault-duration-hint', class: 'muted small' }, 'Optional: leave empty and the fault holds until you revert it.'),
      durationError,
    ),
    h('div', { class: 'row' }, submit),
    formMsg.el,
  );
  form.hidden = true;
  const formLoading = h('p', { class: 'muted' }, 'Loading the fault catalog…');

  const el = h(
    'section',
    { id: 'faults', class: 'panel', 'aria-labelledby': 'faults-h' },
    h('h2', { id: 'faults-h' }, 'Faults'),
    resetBlock,
    inPlaceHeading,
    pollMsg.el,
    listMsg.el,
    none,
    inPlace,
    h('h3', { id: 'inject-h' }, 'Inject a fault'),
    formLoading,
    form,
  );

  let catalog: CatalogFault[] = [];
  let fields: FieldDescriptor[] = [];
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  /** Where a 400's details go: each argument's field, then the duration. */
  const slots = new Map<string, FieldSlot>();
  const durationSlot: FieldSlot = { input: duration, error: durationError, hintId: 'fault-duration-hint' };
  const clearProblems = () => {
    showFieldErrors(slots, new Map());
  };

  // ---- the form
  const refreshChoices = () => {
    const topo = choices(ctx.topology.get());
    const service = inputs.get('service')?.value;
    for (const d of fields) {
      const input = inputs.get(d.name);
      if (!(input instanceof HTMLSelectElement) || !d.source) continue;
      fillSelect(
        input,
        d,
        selectOptions(d, topo, service).map((o) => ({ value: optionKey(o.value), label: o.label })),
      );
    }
  };

  const buildFields = () => {
    const fault = catalog.find((f) => f.name === faultSelect.value);
    summary.textContent = fault?.summary ?? '';
    fields = describeFields(fault?.args);
    inputs.clear();
    slots.clear();
    fieldsBox.replaceChildren(
      ...fields.map((d) => {
        const id = idFor(d.name);
        let input: HTMLInputElement | HTMLSelectElement;
        if (d.kind === 'select') {
          input = h('select', { id, name: d.name, required: d.required });
          if (!d.source)
            fillSelect(
              input,
              d,
              (d.options ?? []).map((o) => ({ value: optionKey(o.value), label: o.label })),
            );
          if (d.name === 'service') input.addEventListener('change', refreshChoices);
        } else if (d.kind === 'number') {
          input = h('input', {
            id,
            name: d.name,
            type: 'number',
            required: d.required && d.default === undefined,
            min: d.min,
            max: d.max,
            step: d.integer ? 1 : 'any',
            inputmode: d.integer ? 'numeric' : 'decimal',
          });
          if (d.default !== undefined) input.value = String(d.default);
        } else if (d.kind === 'checkbox') {
          input = h('input', { id, name: d.name, type: 'checkbox' });
          input.checked = d.default === true;
        } else {
          input = h('input', { id, name: d.name, type: 'text', required: d.required && d.default === undefined, autocomplete: 'off', spellcheck: 'false' });
          if (d.default !== undefined) input.value = String(d.default);
        }
        input.setAttribute('aria-describedby', `${id}-hint`);
        inputs.set(d.name, input);
        const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
        slots.set(d.name, { input, error, hintId: `${id}-hint` });
        const label = h('label', { for: id }, d.label, d.required && d.default === undefined ? '' : h('span', { class: 'muted' }, ' (optional)'));
        return h(
          'div',
          { class: d.kind === 'checkbox' ? 'field check' : 'field' },
          ...(d.kind === 'checkbox' ? [input, label] : [label, input]),
          h('p', { id: `${id}-hint`, class: 'muted small' }, d.hint),
          error,
        );
      }),
    );
    slots.set(DURATION, durationSlot);
    clearProblems();
    if (!fields.length) fieldsBox.append(h('p', { class: 'muted small' }, 'This fault takes no arguments.'));
    refreshChoices();
  };

  /** Shows a 400's details next to their fields; returns whether any field got one, and the rest. */
  const showProblems = (details: unknown): { shown: boolean; general: string[] } => {
    const p = fieldProblems(details, { args: [...inputs.keys()], top: [DURATION] });
    const first = showFieldErrors(slots, p.byField);
    first?.focus();
    return { shown: first !== undefined, general: p.general };
  };

  const rawValues = (): RawValues => Object.fromEntries([...inputs].map(([name, input]) => [name, input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value]));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblems();
    formMsg.clear();
    if (!form.reportValidity()) return;
    const fault = faultSelect.value;
    const args = readArgs(fields, rawValues());
    const d = readDuration(duration.value);
    submit.disabled = true;
    formMsg.show(`Injecting ${fault}…`);
    try {
      const f = await ctx.api.injectFault({ fault, args, ...(d !== undefined ? { durationSeconds: d as number } : {}) });
      formMsg.show(`Injected ${f.name}${f.endsAt ? `; it ends at ${clockText(f.endsAt)}` : '; it holds until you revert it'}.`, 'ok');
      notifyChanged(ctx);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        const { shown, general } = showProblems(e.details);
        if (shown) {
          formMsg.show(`The fault was not injected: ${general.length ? `${general.join('; ')}; ` : ''}please fix the fields marked.`, 'problem');
          return;
        }
      }
      showError(ctx, formMsg, e, `Injecting ${fault}`);
    } finally {
      submit.disabled = false;
    }
  });
  faultSelect.addEventListener('change', () => {
    formMsg.clear();
    buildFields();
  });
  ctx.topology.subscribe(refreshChoices, ctx.signal);

  void loadUntilOk(
    ctx,
    (signal) => ctx.api.faultCatalog(signal),
    (e) => showError(ctx, formMsg, e, 'Reading the fault catalog', { polling: true }),
  ).then((c) => {
    if (!c) return;
    catalog = c;
    formMsg.clear();
    faultSelect.replaceChildren(...c.map((f) => h('option', { value: f.name }, f.name)));
    formLoading.remove();
    form.hidden = false;
    buildFields();
  });

  // ---- reset all
  resetButton.addEventListener('click', async () => {
    resetButton.disabled = true;
    resetButton.textContent = 'Resetting…';
    resetMsg.show('Resetting the lab: reverting faults, removing toxics, bringing containers back…');
    try {
      const r = await ctx.api.reset();
      const reverted = r.reverted ?? [];
      const back = r.broughtBack ?? [];
      const parts = [
        reverted.length ? `reverted ${reverted.length} ${reverted.length === 1 ? 'fault' : 'faults'} (${reverted.join(', ')})` : 'no fault was in place',
        back.length ? `brought back ${back.length} ${back.length === 1 ? 'container' : 'containers'} (${back.join(', ')})` : 'every container was already up',
      ];
      const problems = r.problems ?? [];
      if (problems.length) resetMsg.show(`Reset done, with problems: ${problems.join('; ')}. Also: ${parts.join('; ')}.`, 'problem');
      else resetMsg.show(`Reset done: ${parts.join('; ')}.`, 'ok');
      notifyChanged(ctx);
    } catch (e) {
      showError(ctx, resetMsg, e, 'Reset all');
    } finally {
      resetButton.disabled = false;
      resetButton.textContent = 'Reset all';
    }
  });

  // ---- faults in place
  const revert = async (button: HTMLButtonElement, f: FaultInPlace) => {
    button.disabled = true;
    try {
      await ctx.api.revertFault(f.id);
      listMsg.show(`Reverted ${f.name}.`, 'ok');
      // The row (and its focused button) goes away: keep the keyboard user in the list's place.
      if (document.activeElement === button) inPlaceHeading.focus();
      notifyChanged(ctx);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        listMsg.show(`${f.name} had already ended.`, 'info');
        notifyChanged(ctx);
      } else showError(ctx, listMsg, e, `Reverting ${f.name}`);
      button.disabled = false;
    }
  };

  const createItem = (f: FaultInPlace) => {
    const b = h('button', { type: 'button', class: 'small secondary', 'aria-label': `revert ${f.name}` }, 'revert');
    b.addEventListener('click', () => void revert(b, f));
    return h(
      'li',
      { 'data-fault-id': f.id },
      h('span', { class: 'fault-what' }, h('strong', {}, f.name)),
      h('span', { class: 'muted small' }, `since ${clockText(f.startedAt)}`),
      h('span', { class: 'countdown' }),
      b,
    );
  };
  const updateItem = (li: HTMLElement, f: FaultInPlace) => {
    const c = li.querySelector<HTMLElement>('.countdown')!;
    if (f.endsAt) c.dataset.endsAt = f.endsAt;
    else delete c.dataset.endsAt;
    setText(c, countdownText(f.endsAt, Date.now()));
  };

  const pollFaults = async () => {
    try {
      const list = await ctx.api.faults(ctx.signal);
      if (ctx.signal.aborted) return;
      const sorted = [...list].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      reconcile(inPlace, sorted, (f) => f.id, createItem, updateItem);
      setText(none, sorted.length ? `${sorted.length} in place.` : 'No faults in place.');
      pollMsg.clear();
    } catch (e) {
      showError(ctx, pollMsg, e, 'Reading the faults in place', { polling: true });
      throw e;
    }
  };
  const poller = poll(pollFaults, { intervalMs: 2000, visibility: ctx.visibility, signal: ctx.signal });
  ctx.changed.addEventListener(CHANGED, () => poller.now(), { signal: ctx.signal });

  const tick = setInterval(() => {
    const now = Date.now();
    for (const c of Array.from(inPlace.querySelectorAll<HTMLElement>('.countdown[data-ends-at]'))) setText(c, countdownText(c.dataset.endsAt, now));
  }, 1000);
  ctx.signal.addEventListener('abort', () => clearInterval(tick), { once: true });

  return { el };
}
