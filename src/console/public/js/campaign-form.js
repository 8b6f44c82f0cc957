// The new-campaign form: a calling list, a saved template or a one-off message, and the senders to send from.
import { api } from './api.js';
import { field, h, plural, showError, showFormError } from './dom.js';
import { kindLabel } from './senders.js';

function option(value, text) {
  return h('option', { value }, text);
}

// The API's field names, as the form's captions say them.
const CAPTIONS = {
  name: 'Name',
  listId: 'Calling list',
  templateId: 'Template',
  message: 'Message',
  senderIds: 'Senders',
  skillId: 'Skill',
  dncGroupId: 'DNC group',
  startAt: 'Start at',
  quietHours: 'Sending window',
  validFor: 'Valid for',
};

/** campaignForm builds the form; onCreated is called after a campaign was created (it starts as a draft). */
export function campaignForm(config, onCreated) {
  const name = h('input', { name: 'name', required: true, placeholder: 'June reminders' });
  const list = h('select', { name: 'listId', required: true });
  const template = h('select', { name: 'templateId' }, option('', 'One-off message (below)'));
  const message = h('textarea', { name: 'message', rows: 3, dir: 'auto', placeholder: 'Hi {FirstName}, …' });
  const senders = h('div', { class: 'checks', id: 'campaign-senders' });
  const skill = h('select', { name: 'skillId' }, option('', 'None: replies reach no agent'));
  const dncGroup = h('select', { name: 'dncGroupId' }, option('', 'The business unit’s default'));
  const startAt = h('input', { type: 'datetime-local', name: 'startAt' });
  const windowFrom = h('input', { type: 'time', name: 'quietHoursStart' });
  const windowTo = h('input', { type: 'time', name: 'quietHoursEnd' });
  const validMinutes = h('input', {
    type: 'number',
    name: 'validForMinutes',
    min: 1,
    step: 1,
    placeholder: 'no limit',
  });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const done = h('p', { class: 'ok', role: 'status', hidden: true });

  const load = async () => {
    const [lists, templates, senderList, skills, groups] = await Promise.all([
      api('GET', '/calling-lists'),
      api('GET', '/templates'),
      api('GET', '/senders'),
      api('GET', '/skills'),
      api('GET', '/dnc-groups'),
    ]);
    skill.replaceChildren(
      option('', 'None: replies reach no agent'),
      ...skills.map((s) => option(s.id, `${s.name}${s.replyHandling ? ' (replies reach agents)' : ''}`)),
    );
    dncGroup.replaceChildren(option('', 'The business unit’s default'), ...groups.map((g) => option(g.id, g.name)));
    list.replaceChildren(...lists.map((l) => option(l.id, `${l.name} (${plural(l.accepted, 'record')})`)));
    template.replaceChildren(option('', 'One-off message (below)'), ...templates.map((t) => option(t.id, t.name)));
    senders.replaceChildren(
      ...senderList.map((s) => {
        const box = h('input', { type: 'checkbox', value: s.id });
        // The default, not just the state: a reset after a campaign was created ticks the only sender again.
        box.defaultChecked = box.checked = senderList.length === 1;
        return h('label', { class: 'check' }, box, ` ${s.address} (${kindLabel(config, s.kind)}, ${s.mps}/s)`);
      }),
    );
  };
  const followTemplate = () => (message.disabled = template.value !== '');
  template.addEventListener('change', followTemplate);

  const form = h(
    'form',
    {
      id: 'new-campaign',
      onsubmit: async (event) => {
        event.preventDefault();
        done.hidden = true;
        const senderIds = [...senders.querySelectorAll('input:checked')].map((input) => input.value);
        const body = { name: name.value.trim(), listId: list.value, senderIds };
        if (template.value) body.templateId = template.value;
        else body.message = message.value;
        if (skill.value) body.skillId = skill.value;
        if (dncGroup.value) body.dncGroupId = dncGroup.value;
        // The picker's local time, sent with its offset.
        if (startAt.value) body.startAt = new Date(startAt.value).toISOString();
        if (windowFrom.value || windowTo.value) body.quietHours = { start: windowFrom.value, end: windowTo.value };
        if (validMinutes.value) body.validFor = Math.round(Number(validMinutes.value) * 60);
        try {
          const campaign = await api('POST', '/campaigns', body);
          showError(error, null);
          done.textContent = `Created “${campaign.name}” as a draft: start it from the table.`;
          done.hidden = false;
          form.reset();
          followTemplate();
          onCreated(campaign);
        } catch (failure) {
          showFormError(error, failure, CAPTIONS);
        }
      },
    },
    h('div', { class: 'row' }, field('Name', name), field('Calling list', list), field('Template', template)),
    field('Message', message),
    field('Senders', senders),
    h(
      'details',
      { class: 'options' },
      h('summary', {}, 'Options: skill, DNC group, start time, sending window, validity'),
      h('div', { class: 'row' }, field('Skill', skill), field('DNC group', dncGroup), field('Start at', startAt)),
      h(
        'div',
        { class: 'row' },
        field('Sending window from (recipient’s local time)', windowFrom),
        field('to', windowTo),
        field('Valid for (minutes)', validMinutes),
      ),
    ),
    h('button', { type: 'submit' }, 'Create campaign'),
    error,
    done,
  );
  load().catch((failure) => showError(error, failure));
  return h('section', { class: 'card' }, h('h2', {}, 'New campaign'), form);
}
