// The one-off surge form of the Scaling section: its fields, their hints and error lines, and
// where a 400's details go (by the request body's keys). Built once; sections/scaling.ts wires it.
import { type FieldSlot, h, messageBox } from '../dom.ts';
import { MAX_MINUTES, type SurgeField } from '../scaling-view.ts';

export function surgeForm() {
  const formMsg = messageBox();
  const errorLine = (id: string) => h('p', { id, class: 'field-error', hidden: true });
  const service = h('select', { id: 'surge-service', name: 'service', required: true, 'aria-describedby': 'surge-service-hint' });
  const minutes = h('input', {
    id: 'surge-minutes',
    name: 'minutes',
    type: 'number',
    min: 0,
    max: MAX_MINUTES,
    step: 'any',
    inputmode: 'decimal',
    required: true,
    value: 5,
    'aria-describedby': 'surge-minutes-hint',
  });
  const lead = h('input', { id: 'surge-lead', name: 'lead-seconds', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: 120, 'aria-describedby': 'surge-lead-hint' });
  const duration = h('input', {
    id: 'surge-duration',
    name: 'duration-seconds',
    type: 'number',
    min: 1,
    step: 1,
    inputmode: 'numeric',
    required: true,
    value: 300,
    'aria-describedby': 'surge-duration-hint',
  });
  const minReplicas = h('input', {
    id: 'surge-min-replicas',
    name: 'min-replicas',
    type: 'number',
    min: 1,
    step: 1,
    inputmode: 'numeric',
    required: true,
    'aria-describedby': 'surge-min-replicas-hint',
  });
  const minReplicasHint = h('p', { id: 'surge-min-replicas-hint', class: 'muted small' }, 'The floor the schedule holds over the window.');
  /** Where a 400's details go, by the body's keys: `at` is the minutes field. */
  const slots = new Map<SurgeField, FieldSlot>([
    ['service', { input: service, error: errorLine('surge-service-error'), hintId: 'surge-service-hint' }],
    ['at', { input: minutes, error: errorLine('surge-minutes-error'), hintId: 'surge-minutes-hint' }],
    ['lead-seconds', { input: lead, error: errorLine('surge-lead-error'), hintId: 'surge-lead-hint' }],
    ['duration-seconds', { input: duration, error: errorLine('surge-duration-error'), hintId: 'surge-duration-hint' }],
    ['min-replicas', { input: minReplicas, error: errorLine('surge-min-replicas-error'), hintId: 'surge-min-replicas-hint' }],
  ]);
  const errorOf = (key: SurgeField) => slots.get(key)!.error;
  const submit = h('button', { type: 'submit' }, 'Add surge');
  const form = h(
    'form',
    { class: 'surge-form', 'aria-labelledby': 'surge-h' },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'surge-service' }, 'Service'),
      service,
      h('p', { id: 'surge-service-hint', class: 'muted small' }, 'The service that gets its replicas before the surge.'),
      errorOf('service'),
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'surge-minutes' }, 'Starts in (minutes)'),
        minutes,
        h('p', { id: 'surge-minutes-hint', class: 'muted small' }, 'From now; 0 is now. Sent as a UTC time.'),
        errorOf('at'),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'surge-lead' }, 'Lead (seconds) ', h('span', { class: 'muted' }, '(optional)')),
        lead,
        h('p', { id: 'surge-lead-hint', class: 'muted small' }, 'Replicas come up this long before it starts. Empty: 120.'),
        errorOf('lead-seconds'),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'surge-duration' }, 'Duration (seconds)'),
        duration,
        h('p', { id: 'surge-duration-hint', class: 'muted small' }, 'How long the floor holds after the start.'),
        errorOf('duration-seconds'),
      ),
      h('div', { class: 'field' }, h('label', { for: 'surge-min-replicas' }, 'Min replicas'), minReplicas, minReplicasHint, errorOf('min-replicas')),
    ),
    h('div', { class: 'row' }, submit),
    formMsg.el,
  );

  return { form, formMsg, service, minutes, lead, duration, minReplicas, minReplicasHint, slots, submit };
}
