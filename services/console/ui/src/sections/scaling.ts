// Scaling: the controller's modes (switches: autoscaling, schedule and forecast floors,
// auto-recovery), one card per scaled service (replicas, the metric against its target, the
// decision and what holds it, schedule floor, forecast), the schedule with a form for a one-off surge, and the controller's recent events. Polled every 3 s
// while the tab is visible; cards and rows are updated in place so focus stays put.
import { ApiError } from '../api.ts';
import { CHANGED, type Ctx, type Section, showError } from '../app.ts';
import { h, messageBox, reconcile, setAttr, setText, showFieldErrors } from '../dom.ts';
import { clockText, durationText } from '../format.ts';
import { poll } from '../poll.ts';
import {
  addedText,
  agoText,
  decisionBadge,
  desiredText,
  eventKeys,
  eventKind,
  forecastText,
  heldText,
  metricText,
  OBSERVING,
  recoveryText,
  replicasText,
  scheduleFloorText,
  serviceTone,
  surgeProblems,
  surgeRequest,
  windowKey,
  windowText,
  withoutService,
} from '../scaling-view.ts';
import type { ScalingEvent, ScalingModes, ScalingServiceView, ScalingState, ScheduleWindow } from '../types.ts';
import { surgeForm } from './surge-form.ts';

const POLL_MS = 3000;
/** The newest events shown (the controller keeps 100). */
const EVENTS_SHOWN = 25;

const FACTS = [
  ['replicas', 'Replicas'],
  ['desired', 'Desired'],
  ['metric', 'Metric'],
  ['decision', 'Decision'],
  ['held', 'Held'],
  ['schedule', 'Schedule floor'],
  ['forecast', 'Forecast'],
  ['last-out', 'Last scale-out'],
  ['last-in', 'Last scale-in'],
] as const;
type Fact = (typeof FACTS)[number][0];

type Mode = keyof ScalingModes;
const MODE_LABEL: Record<Mode, string> = { autoscaling: 'Autoscaling', scheduleFloors: 'Schedule floors', forecastFloors: 'Forecast floors', recovery: 'Auto-recovery' };
const MODES = ['autoscaling', 'scheduleFloors', 'forecastFloors', 'recovery'] as const satisfies readonly Mode[];

export function scalingSection(ctx: Ctx): Section {
  const pollMsg = messageBox();
  const tickMsg = messageBox();
  const updated = h('p', { class: 'muted small' }, 'Loading the autoscaler’s state…');

  // ---- the modes
  const modesMsg = messageBox();
  const switchFor = (mode: Mode) => {
    const id = `scaling-${mode}`;
    const input = h('input', { id, name: mode, type: 'checkbox', role: 'switch', disabled: true, 'aria-describedby': `${id}-hint` });
    const hint = h('p', { id: `${id}-hint`, class: 'muted small' });
    return { input, hint, el: h('div', { class: 'field check' }, input, h('label', { for: id }, MODE_LABEL[mode]), hint) };
  };
  const switches = Object.fromEntries(MODES.map((m) => [m, switchFor(m)])) as Record<Mode, ReturnType<typeof switchFor>>;
  setText(switches.autoscaling.hint, 'Adds and removes replicas of the services below from their metric, the schedule and the forecast.');
  setText(switches.scheduleFloors.hint, 'Known events (the schedule below) set a floor ahead of the load. Off, the floor is shown, not applied.');
  setText(switches.forecastFloors.hint, 'The load of past periods predicts the load ahead and sets a floor. Off, the forecast is shown, not applied.');
  const observing = h('p', { class: 'why observing' }, `Autoscaling is off; ${OBSERVING}.`);
  observing.hidden = true;
  const modes = h('div', { class: 'modes', role: 'group', 'aria-labelledby': 'scaling-modes-h' }, ...MODES.map((m) => switches[m].el));

  // ---- the services
  const cards = h('ul', { class: 'tiles scaling-cards', 'aria-labelledby': 'scaling-services-h', 'aria-busy': 'true' });
  const noServices = h('p', { class: 'muted' });
  noServices.hidden = true;

  // ---- the schedule
  const scheduleMsg = messageBox();
  const scheduleHeading = h('h3', { id: 'scaling-schedule-h', tabindex: -1 }, 'Schedule');
  const windows = h('ul', { class: 'windows', 'aria-labelledby': 'scaling-schedule-h' });
  const noWindows = h('p', { class: 'muted' }, 'Loading the schedule…');

  // ---- the surge form
  const { form, formMsg, service, minutes, lead, duration, minReplicas, minReplicasHint, slots, submit } = surgeForm();

  // ---- the events
  const events = h('ol', { class: 'events', 'aria-labelledby': 'scaling-events-h' });
  const noEvents = h('p', { class: 'muted' }, 'Loading the events…');

  const el = h(
    'section',
    { id: 'scaling', class: 'panel', 'aria-labelledby': 'scaling-h' },
    h('h2', { id: 'scaling-h' }, 'Scaling'),
    updated,
    pollMsg.el,
    tickMsg.el,
    h('h3', { id: 'scaling-modes-h' }, 'Modes'),
    modes,
    observing,
    modesMsg.el,
    h('h3', { id: 'scaling-services-h' }, 'Services'),
    noServices,
    cards,
    scheduleHeading,
    h(
      'p',
      { class: 'muted small' },
      'Windows active now or starting within a day, in this browser’s time zone (daily entries of the policy file are written in UTC). Entries of the policy file stay; surges added here can be removed.',
    ),
    scheduleMsg.el,
    noWindows,
    windows,
    h('h3', { id: 'surge-h' }, 'Add a one-off surge'),
    form,
    h('h3', { id: 'scaling-events-h' }, 'Recent events'),
    noEvents,
    events,
  );

  let state: ScalingState | undefined;
  /** Bumped by every mode change: a poll that started before it must not put the old modes back. */
  let modeVersion = 0;
  let modesPending = 0;

  const applyModes = (m: ScalingModes) => {
    switches.autoscaling.input.checked = m.autoscaling;
    switches.recovery.input.checked = m.recovery;
    switches.scheduleFloors.input.checked = m.scheduleFloors;
    switches.forecastFloors.input.checked = m.forecastFloors;
    observing.hidden = m.autoscaling;
    setText(switches.recovery.hint, recoveryText(m.recovery, state?.recoveryPolicy));
  };

  const setMode = async (mode: Mode) => {
    const input = switches[mode].input;
    const want = input.checked;
    const word = want ? 'on' : 'off';
    modeVersion++;
    modesPending++;
    input.disabled = true;
    modesMsg.show(`Turning ${MODE_LABEL[mode].toLowerCase()} ${word}…`);
    try {
      const m = await ctx.api.setScalingModes({ [mode]: want });
      if (ctx.signal.aborted) return;
      if (state) {
        state.autoscaling = m.autoscaling;
        state.recovery = m.recovery;
        state.scheduleFloors = m.scheduleFloors;
        state.forecastFloors = m.forecastFloors;
      }
      applyModes(m);
      const what =
        mode === 'autoscaling'
          ? m.autoscaling
            ? 'Autoscaling is on: the controller sets the replica counts.'
            : `Autoscaling is off; ${OBSERVING}.`
          : mode === 'recovery'
            ? `Auto-recovery is ${m.recovery ? 'on' : 'off'}.`
            : `${MODE_LABEL[mode]} are ${m[mode] ? 'on: they raise the replica counts' : 'off: shown, not applied'}.`;
      modesMsg.show(what, 'ok');
      poller.now();
    } catch (e) {
      input.checked = !want;
      if (mode === 'autoscaling') observing.hidden = input.checked;
      showError(ctx, modesMsg, e, `Turning ${MODE_LABEL[mode].toLowerCase()} ${word}`);
    } finally {
      modesPending--;
      input.disabled = false;
    }
  };
  for (const mode of MODES) switches[mode].input.addEventListener('change', () => void setMode(mode));

  // ---- cards
  const createCard = (v: ScalingServiceView) =>
    h(
      'li',
      { class: 'tile scaling-card', 'data-scaling-service': v.service },
      h('h4', {}, h('span', {}, v.service), h('span', { class: 'badge' })),
      h('dl', { class: 'facts' }, ...FACTS.map(([key, label]) => h('div', { 'data-fact': key }, h('dt', {}, label), h('dd', {})))),
    );

  const updateCard = (li: HTMLElement, v: ScalingServiceView) => {
    const s = state!;
    const now = Date.now();
    li.className = `tile scaling-card tone-${serviceTone(v)}`;
    setText(li.querySelector('.badge')!, decisionBadge(v, s.autoscaling));
    const fact = (key: Fact, text: string | undefined) => {
      const row = li.querySelector<HTMLElement>(`[data-fact="${key}"]`)!;
      row.hidden = text === undefined;
      setText(row.querySelector('dd')!, text ?? '');
    };
    fact('replicas', replicasText(v));
    fact('desired', desiredText(v));
    fact('metric', metricText(v.metric));
    fact('decision', v.decision ? withoutService(v.decision.reason, v.service) : 'none yet (the controller decides at its next check)');
    fact('held', heldText(v.decision?.held, v.policy));
    fact('schedule', scheduleFloorText(v));
    fact('forecast', forecastText(v, s.predictive));
    fact('last-out', agoText(v.lastScaleOutAt, now));
    fact('last-in', agoText(v.lastScaleInAt, now));
  };

  // ---- the schedule
  const remove = async (button: HTMLButtonElement, w: ScheduleWindow) => {
    button.disabled = true;
    scheduleMsg.show(`Removing “${w.entry}”…`);
    try {
      await ctx.api.removeScheduleEntry(w.entry);
      scheduleMsg.show(`Removed “${w.entry}”.`, 'ok');
      // The row (and its focused button) goes away: keep the keyboard user in the list's place.
      if (document.activeElement === button) scheduleHeading.focus();
      poller.now();
    } catch (e) {
      // A policy file's entry: the API says so in its message.
      if (e instanceof ApiError && e.status === 404) scheduleMsg.show(`“${w.entry}” was not removed: ${e.message}.`, 'info');
      else showError(ctx, scheduleMsg, e, `Removing “${w.entry}”`);
      button.disabled = false;
    }
  };

  const createWindow = (w: ScheduleWindow) => {
    const b = h('button', { type: 'button', class: 'small secondary', 'aria-label': `remove ${w.entry}` }, 'remove');
    b.addEventListener('click', () => void remove(b, w));
    return h('li', { 'data-entry': w.entry }, h('span', { class: 'window-what' }, h('strong', {}, w.entry), ' ', h('span', { class: 'window-text' })), h('span', { class: 'badge' }), b);
  };
  const updateWindow = (li: HTMLElement, w: ScheduleWindow) => {
    li.className = w.active ? 'tone-ok' : 'tone-idle';
    setAttr(li, 'data-active', String(w.active));
    setText(li.querySelector('.window-text')!, windowText(w, Date.now()));
    setText(li.querySelector('.badge')!, w.active ? 'active now' : 'upcoming');
  };

  // ---- the events
  const createEvent = (e: ScalingEvent) =>
    h(
      'li',
      { 'data-kind': e.kind },
      h('time', { datetime: e.at }, clockText(e.at)),
      h('span', { class: 'badge' }, eventKind(e.kind).word),
      h('strong', { class: 'event-target' }, e.target),
      h('span', { class: 'event-reason' }, withoutService(e.reason, e.target)),
    );
  const updateEvent = (li: HTMLElement, e: ScalingEvent) => {
    li.className = `tone-${eventKind(e.kind).tone}`;
  };

  // ---- the form's choices: the services the controller scales (their max in the hint)
  const fillServices = (s: ScalingState | undefined) => {
    // The choices are the services the autoscaler reports (it refuses any other): none before its first answer.
    const names = s?.services.map((v) => v.service) ?? [];
    const key = names.join('\u0000');
    if (service.dataset.options === key) return;
    const before = service.value;
    service.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
    service.dataset.options = key;
    if (names.includes(before)) service.value = before;
  };
  const describeMax = () => {
    const p = state?.services.find((v) => v.service === service.value)?.policy;
    setText(minReplicasHint, p ? `The floor the schedule holds over the window: 1 to ${p.max} (${service.value}’s max).` : 'The floor the schedule holds over the window.');
  };
  fillServices(undefined);
  service.addEventListener('change', describeMax);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showFieldErrors(slots, new Map());
    formMsg.clear();
    if (!form.reportValidity()) return;
    const r = surgeRequest({ service: service.value, minutes: minutes.value, lead: lead.value, duration: duration.value, minReplicas: minReplicas.value }, Date.now());
    if (!r.ok) {
      showFieldErrors(slots, r.problems)?.focus();
      formMsg.show('The surge was not added: please fix the fields marked.', 'problem');
      return;
    }
    submit.disabled = true;
    formMsg.show(`Adding a surge for ${r.body.service}…`);
    try {
      const added = await ctx.api.addScheduleEntry(r.body);
      formMsg.show(addedText(added), 'ok');
      poller.now();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        const p = surgeProblems(e.details);
        const first = showFieldErrors(slots, p.byField);
        if (first) {
          first.focus();
          formMsg.show(`The surge was not added: ${p.general.length ? `${p.general.join('; ')}; ` : ''}please fix the fields marked.`, 'problem');
          return;
        }
      }
      showError(ctx, formMsg, e, 'Adding the surge');
    } finally {
      submit.disabled = false;
    }
  });

  // ---- polling
  const render = (s: ScalingState, modesFresh: boolean) => {
    state = s;
    if (modesFresh && modesPending === 0) {
      applyModes(s);
      for (const mode of MODES) switches[mode].input.disabled = false;
    } else setText(switches.recovery.hint, recoveryText(switches.recovery.input.checked, s.recoveryPolicy));

    setText(
      updated,
      s.lastTickAt
        ? `The controller last checked at ${clockText(s.lastTickAt)} (every ${durationText(s.intervalSeconds)}); updated every 3 s while this tab is visible.`
        : 'The controller has not checked yet (its first check comes a second after the console starts).',
    );
    if (s.lastError) tickMsg.show(`The controller’s last check failed: ${s.lastError}`, 'problem');
    else tickMsg.clear();

    reconcile(cards, s.services, (v) => v.service, createCard, updateCard);
    cards.setAttribute('aria-busy', 'false');
    noServices.hidden = s.services.length > 0;
    setText(noServices, 'No service is scaled yet: the controller shows its services after its first check.');

    const keys = new Map(s.schedule.map((w) => [w, windowKey(w)]));
    reconcile(windows, s.schedule, (w) => keys.get(w)!, createWindow, updateWindow);
    const active = s.schedule.filter((w) => w.active).length;
    setText(noWindows, s.schedule.length ? `${s.schedule.length} ${s.schedule.length === 1 ? 'window' : 'windows'}${active ? `, ${active} active now` : ''}.` : 'No scheduled window in the next day.');

    const shown = s.events.slice(0, EVENTS_SHOWN);
    const ek = eventKeys(shown);
    const eventKey = new Map(shown.map((e, i) => [e, ek[i]!]));
    reconcile(events, shown, (e) => eventKey.get(e)!, createEvent, updateEvent);
    setText(
      noEvents,
      s.events.length
        ? s.events.length > EVENTS_SHOWN
          ? `The ${EVENTS_SHOWN} newest of ${s.events.length}, newest first.`
          : 'Newest first.'
        : 'No events yet: scale-outs, scale-ins, restarts and mode changes show here.',
    );

    fillServices(s);
    describeMax();
  };

  const refresh = async () => {
    const version = modeVersion;
    try {
      const s = await ctx.api.scaling(ctx.signal);
      if (ctx.signal.aborted) return;
      render(s, version === modeVersion);
      pollMsg.clear();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) pollMsg.show('The autoscaler is not running in this console, so there is nothing to show here.', 'info');
      else showError(ctx, pollMsg, e, 'Reading the autoscaler’s state', { polling: true });
      throw e;
    }
  };

  const poller = poll(refresh, { intervalMs: POLL_MS, visibility: ctx.visibility, signal: ctx.signal });
  // A replica killed or brought back from the Faults section changes the counts here too.
  ctx.changed.addEventListener(CHANGED, () => poller.now(), { signal: ctx.signal });
  return { el };
}
