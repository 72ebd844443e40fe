// Topology: one tile per compose service, grouped, with a row per container (state and health
// in words and colour, Patroni role, quick kill/restart/pause), and the Toxiproxy links. Polled
// every 2 s; rows are updated in place so a focused button keeps its focus.
import { CHANGED, type Ctx, notifyChanged, type Section, showError } from '../app.ts';
import { h, messageBox, reconcile, setAttr, setText } from '../dom.ts';
import { clockText } from '../format.ts';
import { containerStatus, groupServices, linkState, replicaText, roleLabel, serviceTone, sortContainers, toxicText } from '../health.ts';
import { poll } from '../poll.ts';
import { type ContainerInfo, type LinkInfo, type ServiceInfo, visibleLinks } from '../types.ts';

const QUICK = [
  { word: 'kill', fault: 'container-kill', needsRunning: true, done: 'killed; it stays down until the fault is reverted (Faults, or Reset all)' },
  { word: 'restart', fault: 'container-restart', needsRunning: true, done: 'restarting (a graceful stop and start)' },
  { word: 'pause', fault: 'container-pause', needsRunning: true, done: 'paused; it stays frozen until the fault is reverted (Faults, or Reset all)' },
] as const;

export function topologySection(ctx: Ctx): Section {
  const msg = messageBox();
  const pollMsg = messageBox();
  const updated = h('p', { class: 'muted small' }, 'Loading the topology…');
  const groups = h('div', { class: 'groups', 'aria-busy': 'true' });
  const links = h('ul', { class: 'links' });
  const linksBlock = h(
    'section',
    { class: 'links-block', 'aria-labelledby': 'links-h' },
    h('h3', { id: 'links-h' }, 'Toxiproxy links'),
    h('p', { class: 'muted small' }, 'Every app reaches its dependencies through one of these; a cut link refuses connections.'),
    links,
  );
  linksBlock.hidden = true;
  const el = h('section', { id: 'topology', class: 'panel', 'aria-labelledby': 'topology-h' }, h('h2', { id: 'topology-h' }, 'Topology'), updated, pollMsg.el, msg.el, groups, linksBlock);

  /** Where each container's quick buttons point now (service and replica number). */
  const where = new Map<string, { service: string; number: number }>();

  const quick = async (button: HTMLButtonElement, containerName: string, q: (typeof QUICK)[number]) => {
    const target = where.get(containerName);
    if (!target) return;
    button.disabled = true;
    msg.show(`Sending ${q.word} to ${containerName}…`);
    try {
      const f = await ctx.api.injectFault({ fault: q.fault, args: { service: target.service, pick: target.number } });
      msg.show(`${containerName}: ${q.done}. Fault ${f.id}.`, 'ok');
      notifyChanged(ctx);
    } catch (e) {
      showError(ctx, msg, e, `${q.word[0]!.toUpperCase()}${q.word.slice(1)} ${containerName}`);
    } finally {
      button.disabled = false;
      applyQuickState(button.closest<HTMLElement>('[data-container]'));
    }
  };

  const createRow = (c: ContainerInfo) => {
    const buttons = QUICK.map((q) => {
      const b = h('button', { type: 'button', class: 'small secondary', 'data-action': q.word, 'aria-label': `${q.word} ${c.name}` }, q.word);
      b.addEventListener('click', () => void quick(b, c.name, q));
      return b;
    });
    return h(
      'li',
      { class: 'ctr', 'data-container': c.name },
      h('span', { class: 'ctr-name' }, c.name),
      h('span', { class: 'badge' }),
      h('span', { class: 'role' }),
      h('span', { class: 'quick', role: 'group', 'aria-label': `Faults for ${c.name}` }, ...buttons),
    );
  };

  /** kill and pause make no sense on a container that is not running. */
  const applyQuickState = (row: HTMLElement | null) => {
    if (!row) return;
    const running = row.dataset.health !== 'down';
    for (const b of Array.from(row.querySelectorAll<HTMLButtonElement>('button[data-action]'))) {
      const q = QUICK.find((x) => x.word === b.dataset.action);
      if (q?.needsRunning) b.disabled = !running;
    }
  };

  const updateRow = (row: HTMLElement, c: ContainerInfo) => {
    const st = containerStatus(c);
    setAttr(row, 'data-health', st.mark);
    setAttr(row, 'data-state', c.state);
    row.className = `ctr tone-${st.tone}`;
    setText(row.querySelector('.badge')!, st.label);
    const role = roleLabel(c.role);
    const roleEl = row.querySelector<HTMLElement>('.role')!;
    setText(roleEl, role ?? '');
    roleEl.hidden = !role;
    applyQuickState(row);
  };

  const createTile = (s: ServiceInfo) =>
    h('li', { class: 'tile', 'data-service': s.name }, h('h4', {}, s.name), h('p', { class: 'replicas' }), h('ul', { class: 'ctrs', 'aria-label': `Containers of ${s.name}` }));

  const updateTile = (tile: HTMLElement, s: ServiceInfo) => {
    tile.className = `tile tone-${serviceTone(s)}`;
    setText(tile.querySelector('.replicas')!, replicaText(s.replicas));
    const list = tile.querySelector('.ctrs')!;
    const cs = sortContainers(s.containers);
    for (const c of cs) where.set(c.name, { service: s.name, number: c.number });
    reconcile(list, cs, (c) => c.name, createRow, updateRow);
  };

  const createGroup = (g: { group: string; title: string }) =>
    h('section', { class: 'group', 'data-group': g.group, 'aria-labelledby': `group-${g.group}` }, h('h3', { id: `group-${g.group}` }, g.title), h('ul', { class: 'tiles' }));

  const createLink = (l: LinkInfo) => h('li', { class: 'link', 'data-link': l.name }, h('span', { class: 'link-name' }, l.name), h('span', { class: 'badge' }), h('ul', { class: 'toxics' }));
  const updateLink = (li: HTMLElement, l: LinkInfo) => {
    const state = linkState(l);
    li.className = `link tone-${l.enabled ? (l.toxics.length ? 'warn' : 'ok') : 'bad'}`;
    setAttr(li, 'data-enabled', String(l.enabled));
    setText(li.querySelector('.badge')!, l.toxics.length ? `${state}, ${l.toxics.length} ${l.toxics.length === 1 ? 'toxic' : 'toxics'}` : `${state}, no toxics`);
    const ul = li.querySelector('.toxics')!;
    reconcile(
      ul,
      l.toxics.map(toxicText),
      (t) => t,
      (t) => h('li', {}, t),
      () => {},
    );
  };

  const refresh = async () => {
    try {
      const t = await ctx.api.topology(ctx.signal);
      if (ctx.signal.aborted) return;
      where.clear();
      ctx.topology.set(t);
      const grouped = groupServices(t.services ?? []);
      reconcile(
        groups,
        grouped,
        (g) => g.group,
        createGroup,
        (el, g) => reconcile(el.querySelector('.tiles')!, g.services, (s) => s.name, createTile, updateTile),
      );
      groups.setAttribute('aria-busy', 'false');
      if (!grouped.length) setText(updated, 'No services found: is the lab up? (npm run lab:up)');
      else setText(updated, `As of ${clockText(t.at) || 'now'}; updated every 2 s while this tab is visible.`);
      const shown = visibleLinks(t);
      linksBlock.hidden = !shown.length;
      reconcile(
        links,
        [...shown].sort((a, b) => a.name.localeCompare(b.name)),
        (l) => l.name,
        createLink,
        updateLink,
      );
      pollMsg.clear();
    } catch (e) {
      showError(ctx, pollMsg, e, 'Reading the topology', { polling: true });
      throw e;
    }
  };

  const poller = poll(refresh, { intervalMs: 2000, visibility: ctx.visibility, signal: ctx.signal });
  ctx.changed.addEventListener(CHANGED, () => poller.now(), { signal: ctx.signal });
  return { el };
}
