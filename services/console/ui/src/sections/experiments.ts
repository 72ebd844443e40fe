// Experiments (game days): the list, "Run", the current run's state and log (polled every 2 s),
// its verdict in words and its report, and the earlier runs. The report needs the token, so it
// is fetched and opened as a Blob URL rather than linked.

import type { ConsoleApi } from '../api.ts';
import { type Ctx, loadUntilOk, notifyChanged, type Section, showError } from '../app.ts';
import { h, logView, messageBox, reconcile, setText } from '../dom.ts';
import { clockText, durationText, msOf } from '../format.ts';
import { verdict } from '../messages.ts';
import { poll } from '../poll.ts';
import type { Experiment, Run, RunSummary } from '../types.ts';

/**
 * Opens an HTML report fetched with the token in a new tab (a Blob URL). When the browser blocks
 * the tab (the fetch took the click's activation), `fallback` gets a link to click instead.
 */
export async function openReport(api: ConsoleApi, url: string, fallback: (blobUrl: string) => void): Promise<void> {
  const blob = await api.blob(url);
  const html = blob.type.includes('html') ? blob : new Blob([blob], { type: 'text/html;charset=utf-8' });
  const blobUrl = URL.createObjectURL(html);
  setTimeout(() => URL.revokeObjectURL(blobUrl), 10 * 60_000);
  const tab = window.open(blobUrl, '_blank');
  if (!tab) fallback(blobUrl);
}

export function experimentsSection(ctx: Ctx): Section {
  const msg = messageBox();
  const list = h('ul', { class: 'experiments', 'aria-busy': 'true' });
  const loading = h('p', { class: 'muted' }, 'Loading the experiments…');

  // The current (or chosen) run
  const runMsg = messageBox();
  const runPollMsg = messageBox();
  const runTitle = h('p', { class: 'run-title' }, 'No run chosen: start one above, or show an earlier one below.');
  const runVerdict = h('p', { class: 'verdict', hidden: true });
  const abort = h('button', { type: 'button', class: 'danger', hidden: true }, 'Abort the run');
  const reportLink = h('a', { class: 'button secondary', href: '#', hidden: true }, 'Open the report');
  const reportFallback = h('p', { hidden: true });
  const log = logView('Log of the run');
  log.el.hidden = true;
  const runPanel = h('div', { class: 'run', 'aria-labelledby': 'run-h' }, runTitle, runVerdict, h('div', { class: 'row' }, abort, reportLink), reportFallback, runPollMsg.el, runMsg.el, log.el);

  const runsList = h('ul', { class: 'runs' });
  const noRuns = h('p', { class: 'muted' }, 'Loading the earlier runs…');

  const el = h(
    'section',
    { id: 'experiments', class: 'panel', 'aria-labelledby': 'experiments-h' },
    h('h2', { id: 'experiments-h' }, 'Experiments'),
    h('p', { class: 'muted small' }, 'Each experiment is a game day: a load, faults on a schedule, probes of a hypothesis, then a verdict and a report.'),
    msg.el,
    loading,
    list,
    h('h3', { id: 'run-h' }, 'Run details'),
    runPanel,
    h('h3', {}, 'Earlier runs'),
    noRuns,
    runsList,
  );

  let experiments: Experiment[] = [];
  let shownId: string | undefined;
  let shown: Run | undefined;

  const titleOf = (experiment: string) => experiments.find((x) => x.file === experiment || x.title === experiment)?.title ?? experiment;

  // ---- the run panel
  const renderRun = (r: Run) => {
    const before = shown?.id === r.id ? shown.state : undefined;
    shown = r;
    const v = verdict(r.state);
    const ended = msOf(r.endedAt);
    const took = Number.isNaN(ended) ? '' : `, ended ${clockText(r.endedAt)} after ${durationText((ended - msOf(r.startedAt)) / 1000)}`;
    setText(runTitle, `${titleOf(r.experiment)} (run ${r.id}), started ${clockText(r.startedAt)}${took}.`);
    runVerdict.hidden = false;
    runVerdict.className = `verdict tone-${v.tone}`;
    runVerdict.dataset.state = r.state;
    setText(runVerdict, v.text);
    abort.hidden = r.state !== 'running';
    reportLink.hidden = !r.reportUrl;
    if (r.reportUrl) reportLink.href = ctx.api.url(r.reportUrl);
    log.el.hidden = false;
    log.set(r.log ?? []);
    if (before === 'running' && r.state !== 'running') {
      ctx.announce(`The game day ${titleOf(r.experiment)} ended: ${v.word}.`);
      runsPoller.now();
      notifyChanged(ctx);
    }
  };

  const refreshRun = async () => {
    if (!shownId) return;
    const id = shownId;
    try {
      const r = await ctx.api.run(id, ctx.signal);
      if (ctx.signal.aborted || shownId !== id) return;
      renderRun(r);
      runPollMsg.clear();
    } catch (e) {
      showError(ctx, runPollMsg, e, 'Reading the run', { polling: true });
      throw e;
    }
  };
  const runPoller = poll(refreshRun, { intervalMs: () => (shown?.state === 'running' ? 2000 : 0), visibility: ctx.visibility, signal: ctx.signal, immediate: false });

  const show = (id: string) => {
    if (shownId !== id) {
      shownId = id;
      shown = undefined;
      reportFallback.hidden = true;
      runMsg.clear();
      runPollMsg.clear();
    }
    runPoller.now();
  };

  abort.addEventListener('click', async () => {
    if (!shown) return;
    abort.disabled = true;
    runMsg.show('Aborting the run and rolling back its faults…');
    try {
      await ctx.api.abortRun(shown.id);
      runMsg.show('Abort sent: the run rolls back its faults and ends.', 'ok');
    } catch (e) {
      showError(ctx, runMsg, e, 'Aborting the run');
    } finally {
      abort.disabled = false;
      runPoller.now();
    }
  });

  reportLink.addEventListener('click', async (ev) => {
    ev.preventDefault();
    if (!shown?.reportUrl) return;
    reportFallback.hidden = true;
    try {
      await openReport(ctx.api, shown.reportUrl, (blobUrl) => {
        reportFallback.replaceChildren('The browser kept the report from opening in a new tab: ', h('a', { href: blobUrl, target: '_blank', rel: 'noopener' }, 'open the report'), '.');
        reportFallback.hidden = false;
      });
    } catch (e) {
      showError(ctx, runMsg, e, 'Opening the report');
    }
  });

  // ---- the experiments
  const runExperiment = async (button: HTMLButtonElement, x: Experiment) => {
    button.disabled = true;
    msg.show(`Starting ${x.title}…`);
    try {
      const { id } = await ctx.api.startRun(x.file);
      msg.show(`Started ${x.title} (run ${id}). Its log follows below.`, 'ok');
      show(id);
      runsPoller.now();
    } catch (e) {
      showError(ctx, msg, e, `Starting ${x.title}`);
      runsPoller.now(); // a 409 means one runs: the list shows it
    } finally {
      button.disabled = false;
    }
  };

  const renderExperiments = () => {
    list.replaceChildren(
      ...experiments.map((x, i) => {
        const whyId = `why-${i}`;
        const button = h('button', { type: 'button', disabled: !x.runnable, 'aria-label': `Run ${x.title}`, ...(x.runnable ? {} : { 'aria-describedby': whyId }) }, 'Run');
        if (x.runnable) button.addEventListener('click', () => void runExperiment(button, x));
        return h(
          'li',
          { class: x.runnable ? 'experiment' : 'experiment not-runnable', 'data-experiment': x.file },
          h('h4', {}, x.title),
          x.description ? h('p', {}, x.description) : null,
          h('p', { class: 'muted small' }, h('code', {}, x.file)),
          x.runnable ? null : h('p', { id: whyId, class: 'why' }, `Not runnable from the console: ${x.why ?? 'it needs the host'}.`),
          button,
        );
      }),
    );
    list.setAttribute('aria-busy', 'false');
  };

  // ---- earlier runs
  const createRunItem = (r: RunSummary) => {
    const b = h('button', { type: 'button', class: 'small secondary' }, 'show');
    b.addEventListener('click', () => {
      show(r.id);
      runPanel.scrollIntoView({ block: 'nearest' });
      runTitle.focus?.();
    });
    return h('li', { 'data-run-id': r.id }, h('span', { class: 'run-what' }), h('span', { class: 'badge' }), b);
  };
  const updateRunItem = (li: HTMLElement, r: RunSummary) => {
    const v = verdict(r.state);
    li.className = `tone-${v.tone}`;
    setText(li.querySelector('.run-what')!, `${titleOf(r.experiment)}, ${clockText(r.startedAt)}`);
    setText(li.querySelector('.badge')!, v.word);
    li.querySelector('button')!.setAttribute('aria-label', `show run ${r.id}: ${titleOf(r.experiment)}, ${v.word}`);
  };

  let first = true;
  const runsMsg = messageBox();
  noRuns.before(runsMsg.el);
  const refreshRuns = async () => {
    let runs: RunSummary[];
    try {
      runs = await ctx.api.runs(ctx.signal);
      runsMsg.clear();
    } catch (e) {
      showError(ctx, runsMsg, e, 'Reading the earlier runs', { polling: true });
      throw e;
    }
    if (ctx.signal.aborted) return;
    reconcile(runsList, runs, (r) => r.id, createRunItem, updateRunItem);
    setText(noRuns, runs.length ? '' : 'No runs yet.');
    noRuns.hidden = runs.length > 0;
    // A run going on (started from another tab, or before a reload) is the current one.
    const live = runs.find((r) => r.state === 'running');
    if (live && (first || !shown || shown.state !== 'running') && shownId !== live.id) show(live.id);
    first = false;
  };
  const runsPoller = poll(refreshRuns, { intervalMs: 15_000, visibility: ctx.visibility, signal: ctx.signal });

  runTitle.setAttribute('tabindex', '-1');
  void loadUntilOk(
    ctx,
    (signal) => ctx.api.experiments(signal),
    (e) => showError(ctx, msg, e, 'Reading the experiments', { polling: true }),
  ).then((xs) => {
    if (!xs) return;
    experiments = xs;
    loading.remove();
    if (!xs.length) list.replaceWith(h('p', { class: 'muted' }, 'No experiments found.'));
    else renderExperiments();
    runsPoller.now();
  });

  return { el };
}
