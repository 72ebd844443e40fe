// Regions: each region's role (which one takes writes), its database members with their lag, and
// whether the region controller sees it; the actions of the GameDays on it: switch over to
// the replica region, fail or partition the primary one. The actions are faults (POST /faults), so
// they show in Faults too and Reset all puts them back. Polled every 2 s; rows are updated in place.
import { CHANGED, type Ctx, notifyChanged, type Section, showError } from '../app.ts';
import { h, messageBox, reconcile, setAttr, setText } from '../dom.ts';
import { clockText } from '../format.ts';
import { poll } from '../poll.ts';
import { controllerText, memberText, type RegionAction, regionActions, regionName, regionRoleText } from '../regions.ts';
import type { RegionInfo, RegionMember, RegionsView } from '../types.ts';

const DEFAULT_SECONDS = 60;

export function regionsSection(ctx: Ctx): Section {
  const msg = messageBox();
  const pollMsg = messageBox();
  const updated = h('p', { class: 'muted small' }, 'Loading the regions…');
  const oneRegion = h(
    'p',
    { class: 'muted' },
    'One region runs. Start region B and the lab plane with docker compose --profile multi-region up -d --wait to switch over, fail or partition a region here.',
  );
  oneRegion.hidden = true;
  const cards = h('div', { class: 'regions' });
  const seconds = h('input', {
    id: 'region-seconds',
    name: 'seconds',
    type: 'number',
    min: 10,
    max: 600,
    step: 1,
    value: String(DEFAULT_SECONDS),
    inputmode: 'numeric',
    'aria-describedby': 'region-seconds-hint',
  });
  const secondsField = h(
    'div',
    { class: 'field' },
    h('label', { for: 'region-seconds' }, 'Outage or partition length (seconds)'),
    seconds,
    h('p', { id: 'region-seconds-hint', class: 'muted small' }, 'After it the region comes back and rejoins as the replica region (its members rewound, or cloned again).'),
  );
  secondsField.hidden = true;
  const sync = h('p', { class: 'muted small' });
  const el = h(
    'section',
    { id: 'regions', class: 'panel', 'aria-labelledby': 'regions-h' },
    h('h2', { id: 'regions-h' }, 'Regions'),
    updated,
    pollMsg.el,
    oneRegion,
    secondsField,
    cards,
    sync,
    msg.el,
  );

  let view: RegionsView | undefined;
  let busy = false;
  const lengthSeconds = () => {
    const n = Number(seconds.value);
    return Number.isInteger(n) && n >= 10 && n <= 600 ? n : undefined;
  };

  const act = async (a: RegionAction) => {
    if (busy) return;
    const length = lengthSeconds();
    if (a.key !== 'switchover' && length === undefined) {
      seconds.setAttribute('aria-invalid', 'true');
      msg.show('The length is a whole number of seconds from 10 to 600.', 'problem');
      seconds.focus();
      return;
    }
    seconds.removeAttribute('aria-invalid');
    busy = true;
    applyButtons();
    msg.show(a.key === 'switchover' ? `${a.label}: commits wait for the region, then Patroni hands the leader over (20–40 s)…` : `${a.label}…`);
    try {
      const f = await ctx.api.injectFault(a.key === 'switchover' ? a.request : { ...a.request, durationSeconds: length! }, a.timeoutMs ? { timeoutMs: a.timeoutMs } : {});
      const done = a.key === 'switchover' ? `${a.label}: done (${f.name}).` : `${a.label}: ${f.name}, fault ${f.id}. Watch the regions change here and in Faults.`;
      msg.show(done, 'ok');
      ctx.announce(done);
      notifyChanged(ctx);
    } catch (e) {
      showError(ctx, msg, e, a.label);
    } finally {
      busy = false;
      poller.now();
    }
  };

  const createMember = (m: RegionMember) => h('li', { class: 'member', 'data-member': m.name });
  const updateMember = (li: HTMLElement, m: RegionMember) => {
    setText(li, memberText(m));
    setAttr(li, 'data-role', m.role);
  };

  const createCard = (r: RegionInfo) => {
    const id = `region-${r.region}-h`;
    return h(
      'section',
      { class: 'region', 'data-region': r.region, 'aria-labelledby': id },
      h('h3', { id }, regionName(r.region)),
      h('p', { class: 'region-role' }),
      h('p', { class: 'region-sight muted small' }),
      h('ul', { class: 'members', 'aria-label': `Database members of ${regionName(r.region)}` }),
      h('div', { class: 'region-actions', role: 'group', 'aria-label': `Actions on ${regionName(r.region)}` }),
    );
  };

  /** Buttons are keyed by action, so a focused one keeps its focus across polls. */
  const updateCard = (card: HTMLElement, r: RegionInfo) => {
    if (!view) return;
    setAttr(card, 'data-role', r.role);
    setText(card.querySelector('.region-role')!, regionRoleText(r, view));
    setText(card.querySelector('.region-sight')!, controllerText(view.controller?.[r.region]));
    reconcile(card.querySelector('.members')!, r.members, (m) => m.name, createMember, updateMember);
    const actions = regionActions(view, r.region, lengthSeconds() ?? DEFAULT_SECONDS);
    reconcile(
      card.querySelector('.region-actions')!,
      actions,
      (a) => a.key,
      (a) => {
        const hintId = `region-${r.region}-${a.key}-hint`;
        const b = h('button', { type: 'button', class: a.key === 'switchover' ? '' : 'danger', 'data-action': a.key, 'aria-describedby': hintId });
        const wrap = h('div', { class: 'region-action' }, b, h('p', { id: hintId, class: 'muted small' }));
        b.addEventListener('click', () => {
          const now = view && regionActions(view, r.region, lengthSeconds() ?? DEFAULT_SECONDS).find((x) => x.key === a.key);
          if (now) void act(now);
        });
        return wrap;
      },
      (wrap, a) => {
        setText(wrap.querySelector('button')!, a.label);
        setText(wrap.querySelector('p')!, a.hint);
      },
    );
  };

  const applyButtons = () => {
    for (const b of Array.from(cards.querySelectorAll<HTMLButtonElement>('button[data-action]'))) b.disabled = busy;
  };

  const refresh = async () => {
    try {
      const v = await ctx.api.regions(ctx.signal);
      if (ctx.signal.aborted) return;
      view = v;
      oneRegion.hidden = v.twoRegions;
      secondsField.hidden = !v.twoRegions;
      reconcile(cards, v.twoRegions ? v.regions : v.regions.filter((r) => r.region === 'a'), (r) => r.region, createCard, updateCard);
      applyButtons();
      setText(
        sync,
        v.twoRegions
          ? v.crossRegionSync
            ? 'Commits wait for the other region too (npm run region -- sync off to stop): RPO 0 for a region’s loss.'
            : 'Commits wait for the primary region only; the other region replicates asynchronously (npm run region -- sync on for RPO 0).'
          : '',
      );
      setText(updated, `As of ${clockText(v.at) || 'now'}${v.primary ? '' : ': no region has a database leader right now'}; updated every 2 s while this tab is visible.`);
      pollMsg.clear();
    } catch (e) {
      showError(ctx, pollMsg, e, 'Reading the regions', { polling: true });
      throw e;
    }
  };

  const poller = poll(refresh, { intervalMs: 2000, visibility: ctx.visibility, signal: ctx.signal });
  ctx.changed.addEventListener(CHANGED, () => poller.now(), { signal: ctx.signal });
  return { el };
}
