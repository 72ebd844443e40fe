// Load: pick a scenario, a duration and (optionally) connections; start and stop it. While a load
// runs its log is polled every 2 s; when it has ended, its summary is shown.
import { ApiError } from '../api.ts';
import { type Ctx, loadUntilOk, type Section, showError } from '../app.ts';
import { type FieldSlot, h, logView, messageBox, setText, showFieldErrors } from '../dom.ts';
import { clockText, durationText, msOf, sinceText } from '../format.ts';
import { summaryRows } from '../messages.ts';
import { poll } from '../poll.ts';
import { fieldProblems } from '../schema-form.ts';
import type { LoadLast, LoadState, Scenario } from '../types.ts';

/** Idle, the section looks for a load started elsewhere (another tab) now and then. */
const IDLE_POLL_MS = 15_000;

export function loadSection(ctx: Ctx): Section {
  const msg = messageBox();
  const pollMsg = messageBox();
  const scenario = h('select', { id: 'load-scenario', name: 'scenario', required: true, 'aria-describedby': 'load-scenario-hint' });
  const scenarioHint = h('p', { id: 'load-scenario-hint', class: 'muted small' }, 'Loading the scenarios…');
  const duration = h('input', {
    id: 'load-duration',
    name: 'durationSeconds',
    type: 'number',
    min: 1,
    step: 1,
    required: true,
    inputmode: 'numeric',
    value: 60,
    'aria-describedby': 'load-duration-hint',
  });
  const connections = h('input', { id: 'load-connections', name: 'connections', type: 'number', min: 1, step: 1, inputmode: 'numeric', 'aria-describedby': 'load-connections-hint' });
  const errorLine = (id: string) => h('p', { id, class: 'field-error', hidden: true });
  const slots = new Map<string, FieldSlot>([
    ['scenario', { input: scenario, error: errorLine('load-scenario-error'), hintId: 'load-scenario-hint' }],
    ['durationSeconds', { input: duration, error: errorLine('load-duration-error'), hintId: 'load-duration-hint' }],
    ['connections', { input: connections, error: errorLine('load-connections-error'), hintId: 'load-connections-hint' }],
  ]);
  const errorOf = (key: string) => slots.get(key)!.error;
  const start = h('button', { type: 'submit' }, 'Start load');
  const stop = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Stop load');
  const form = h(
    'form',
    { class: 'load-form', 'aria-labelledby': 'load-h' },
    h('div', { class: 'field' }, h('label', { for: 'load-scenario' }, 'Scenario'), scenario, scenarioHint, errorOf('scenario')),
    h(
      'div',
      { class: 'row' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'load-duration' }, 'Duration (seconds)'),
        duration,
        h('p', { id: 'load-duration-hint', class: 'muted small' }, 'How long the load runs.'),
        errorOf('durationSeconds'),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'load-connections' }, 'Connections ', h('span', { class: 'muted' }, '(optional)')),
        connections,
        h('p', { id: 'load-connections-hint', class: 'muted small' }, 'Empty: the console’s default.'),
        errorOf('connections'),
      ),
    ),
    h('div', { class: 'row' }, start, stop),
    msg.el,
  );

  const currentText = h('p', {}, 'No load is running.');
  const log = logView('Log of the running load');
  log.el.hidden = true;
  const lastBox = h('div', { class: 'last-load' }, h('p', { class: 'muted' }, 'No load has ended yet.'));

  const el = h(
    'section',
    { id: 'load', class: 'panel', 'aria-labelledby': 'load-h' },
    h('h2', { id: 'load-h' }, 'Load'),
    form,
    h('h3', {}, 'Running load'),
    pollMsg.el,
    currentText,
    log.el,
    h('h3', {}, 'Last load'),
    lastBox,
  );

  let scenarios: Scenario[] = [];
  let running = false;
  let lastId: string | undefined;

  const describe = () => setText(scenarioHint, scenarios.find((s) => s.name === scenario.value)?.description ?? '');
  scenario.addEventListener('change', describe);

  const renderLast = (last: LoadLast) => {
    const key = `${last.id}/${last.endedAt}`;
    if (lastId === key) return;
    lastId = key;
    const ended = msOf(last.endedAt);
    const took = Number.isNaN(ended) ? '' : `, ran ${durationText((ended - msOf(last.startedAt)) / 1000)}`;
    const outcome = last.exitCode === 0 ? 'finished normally' : last.exitCode == null ? 'was stopped' : `ended with exit code ${last.exitCode}`;
    // The load CLI's own summary is text (aligned columns): kept as it is. An object gets rows.
    const rows = typeof last.summary === 'string' ? [] : summaryRows(last.summary);
    const summary =
      typeof last.summary === 'string' && last.summary.trim()
        ? h('pre', { class: 'log', tabindex: 0, 'aria-label': 'Summary of the last load' }, last.summary)
        : rows.length
          ? h('dl', { class: 'summary' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
          : h('p', { class: 'muted' }, 'No summary.');
    lastBox.replaceChildren(
      h('p', {}, `${last.scenario}: ${outcome}; ended at ${clockText(last.endedAt)}${took}.`),
      summary,
      ...(last.log?.length ? [h('details', {}, h('summary', {}, `Its log (${last.log.length} lines)`), h('pre', { class: 'log', tabindex: 0 }, last.log.join('\n')))] : []),
    );
  };

  const render = (s: LoadState) => {
    const wasRunning = running;
    running = s.current !== null;
    stop.disabled = !running;
    if (s.current) {
      const c = s.current;
      setText(currentText, `${c.scenario} for ${durationText(c.durationSeconds)}, ${sinceText(c.startedAt, Date.now())}.`);
      log.el.hidden = false;
      log.set(c.log ?? []);
    } else {
      setText(currentText, 'No load is running.');
      log.el.hidden = true; // its lines are under "Last load" now
      if (wasRunning) ctx.announce('The load has ended.');
    }
    if (s.last) renderLast(s.last);
  };

  const refresh = async () => {
    try {
      const s = await ctx.api.load(ctx.signal);
      if (ctx.signal.aborted) return;
      render(s);
      pollMsg.clear();
    } catch (e) {
      showError(ctx, pollMsg, e, 'Reading the load', { polling: true });
      throw e;
    }
  };
  const poller = poll(refresh, { intervalMs: () => (running ? 2000 : IDLE_POLL_MS), visibility: ctx.visibility, signal: ctx.signal });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.clear();
    showFieldErrors(slots, new Map());
    if (!form.reportValidity()) return;
    const body = {
      scenario: scenario.value,
      durationSeconds: Number(duration.value),
      ...(connections.value.trim() ? { connections: Number(connections.value) } : {}),
    };
    start.disabled = true;
    msg.show(`Starting ${body.scenario}…`);
    try {
      const r = await ctx.api.startLoad(body);
      msg.show(`Started ${r.scenario} for ${durationText(body.durationSeconds)}.`, 'ok');
      running = true;
      poller.now();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) showFieldErrors(slots, fieldProblems(e.details, { top: [...slots.keys()] }).byField)?.focus();
      showError(ctx, msg, e, 'Starting the load');
      poller.now(); // a 409 means one runs: show it
    } finally {
      start.disabled = false;
    }
  });

  stop.addEventListener('click', async () => {
    stop.disabled = true;
    msg.show('Stopping the load…');
    try {
      await ctx.api.stopLoad();
      msg.show('Stop sent: the load finishes its summary and ends.', 'ok');
    } catch (e) {
      showError(ctx, msg, e, 'Stopping the load');
    } finally {
      poller.now();
    }
  });

  void loadUntilOk(
    ctx,
    (signal) => ctx.api.scenarios(signal),
    (e) => showError(ctx, msg, e, 'Reading the load scenarios', { polling: true }),
  ).then((list) => {
    if (!list) return;
    scenarios = list;
    msg.clear();
    scenario.replaceChildren(...list.map((s) => h('option', { value: s.name }, s.name)));
    if (!list.length) setText(scenarioHint, 'The console offers no load scenarios.');
    else describe();
  });

  return { el };
}
