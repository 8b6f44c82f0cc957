// Setup: what a business unit configures once (the SMS channel and confirmation texts, skills with reply handling and
// a cadence step, DNC groups), so none of it needs curl.
import { api } from './api.js';
import { field, h, showError, showFormError, table } from './dom.js';

function done(el, text) {
  el.textContent = text;
  el.hidden = false;
}

function settingsCard() {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const saved = h('p', { class: 'ok', role: 'status', hidden: true });
  const smsChannel = h('input', { type: 'checkbox', name: 'smsChannel' });
  const texts = Object.fromEntries(
    ['optOutText', 'optInText', 'helpText'].map((name) => [name, h('textarea', { name, rows: 2, dir: 'auto' })]),
  );
  const load = async () => {
    const settings = await api('GET', '/settings');
    smsChannel.checked = settings.smsChannel;
    for (const [name, box] of Object.entries(texts)) box.value = settings[name] ?? '';
  };
  const form = h(
    'form',
    {
      id: 'settings',
      onsubmit: async (event) => {
        event.preventDefault();
        saved.hidden = true;
        const body = { smsChannel: smsChannel.checked };
        for (const [name, box] of Object.entries(texts)) body[name] = box.value.trim() || null;
        try {
          await api('PATCH', '/settings', body);
          showError(error, null);
          done(saved, 'Settings saved.');
          await load();
        } catch (failure) {
          showFormError(error, failure, SETTINGS_CAPTIONS);
        }
      },
    },
    h(
      'label',
      { class: 'check' },
      smsChannel,
      ' SMS channel: replies may reach agents (when the campaign’s skill handles replies)',
    ),
    field('Opt-out confirmation (after STOP)', texts.optOutText),
    field('Opt-in confirmation (after START)', texts.optInText),
    field('Help text (after HELP)', texts.helpText),
    h('button', { type: 'submit' }, 'Save settings'),
    error,
    saved,
  );
  load().catch((failure) => showError(error, failure));
  return h('section', { class: 'card' }, h('h2', {}, 'Settings'), form);
}

const SETTINGS_CAPTIONS = {
  smsChannel: 'SMS channel',
  optOutText: 'Opt-out confirmation',
  optInText: 'Opt-in confirmation',
  helpText: 'Help text',
};
const SKILL_CAPTIONS = { name: 'Name', kind: 'Kind', replyHandling: 'Reply handling', cadence: 'Cadence' };

function skillsCard() {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const saved = h('p', { class: 'ok', role: 'status', hidden: true });
  const { el: grid, fill } = table(
    ['Name', 'Kind', 'Replies reach agents', 'Cadence'],
    'No skills yet: a campaign’s replies reach agents only through a skill with reply handling.',
  );
  grid.id = 'skills';
  const name = h('input', { name: 'name', required: true, placeholder: 'Support' });
  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: 'agent' }, 'agent'),
    h('option', { value: 'agentless' }, 'agentless'),
  );
  const replyHandling = h('input', { type: 'checkbox', name: 'replyHandling', checked: true });
  const cadenceTemplate = h('select', { name: 'cadenceTemplate' });
  const cadenceSenders = h('div', { class: 'checks', id: 'cadence-senders' });
  let templateNames = new Map();

  const refresh = async () => {
    const [skills, templates, senders] = await Promise.all([
      api('GET', '/skills'),
      api('GET', '/templates'),
      api('GET', '/senders'),
    ]);
    templateNames = new Map(templates.map((t) => [t.id, t.name]));
    fill(
      skills.map((skill) =>
        h(
          'tr',
          { 'data-skill-id': skill.id },
          h('td', { dir: 'auto' }, skill.name),
          h('td', {}, skill.kind),
          h('td', {}, skill.replyHandling ? 'yes' : 'no'),
          h(
            'td',
            {},
            (skill.cadence ?? [])
              .map(
                (step) => `${step.outcome.replaceAll('_', ' ')}: ${templateNames.get(step.templateId) ?? 'template'}`,
              )
              .join(', ') || '—',
          ),
        ),
      ),
    );
    cadenceTemplate.replaceChildren(
      h('option', { value: '' }, 'No SMS after an answering machine'),
      ...templates.map((t) => h('option', { value: t.id }, t.name)),
    );
    cadenceSenders.replaceChildren(
      ...senders.map((s) =>
        h('label', { class: 'check' }, h('input', { type: 'checkbox', value: s.id }), ` ${s.address}`),
      ),
    );
  };

  const form = h(
    'form',
    {
      id: 'new-skill',
      onsubmit: async (event) => {
        event.preventDefault();
        saved.hidden = true;
        const body = { name: name.value.trim(), kind: kind.value, replyHandling: replyHandling.checked };
        if (cadenceTemplate.value) {
          const senderIds = [...cadenceSenders.querySelectorAll('input:checked')].map((input) => input.value);
          body.cadence = [{ outcome: 'answering_machine', templateId: cadenceTemplate.value, senderIds }];
        }
        try {
          const skill = await api('POST', '/skills', body);
          showError(error, null);
          done(saved, `Skill “${skill.name}” created.`);
          form.reset();
          await refresh();
        } catch (failure) {
          showFormError(error, failure, SKILL_CAPTIONS);
        }
      },
    },
    h('div', { class: 'row' }, field('Name', name), field('Kind', kind)),
    h('label', { class: 'check' }, replyHandling, ' Reply handling: replies to its campaigns reach agents'),
    h('div', { class: 'row' }, field('Cadence: SMS after an answering machine', cadenceTemplate)),
    field('Cadence senders', cadenceSenders),
    h('button', { type: 'submit' }, 'Create skill'),
    error,
    saved,
  );
  refresh().catch((failure) => showError(error, failure));
  return h('section', { class: 'card' }, h('h2', {}, 'Skills'), h('div', { class: 'scroll' }, grid), form);
}

function dncGroupsCard() {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const { el: grid, fill } = table(['Name', 'Id'], 'No DNC groups yet.');
  grid.id = 'dnc-groups';
  const name = h('input', { name: 'name', required: true, placeholder: 'Collections opt-outs' });
  const refresh = async () => {
    const [groups, settings] = await Promise.all([api('GET', '/dnc-groups'), api('GET', '/settings')]);
    fill(
      groups.map((group) =>
        h(
          'tr',
          { 'data-dnc-group-id': group.id },
          h('td', { dir: 'auto' }, group.name, group.id === settings.defaultDncGroupId ? ' (default)' : ''),
          h('td', { class: 'muted id' }, group.id),
        ),
      ),
    );
  };
  const form = h(
    'form',
    {
      id: 'new-dnc-group',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api('POST', '/dnc-groups', { name: name.value.trim() });
          showError(error, null);
          form.reset();
          await refresh();
        } catch (failure) {
          showFormError(error, failure, { name: 'Name' });
        }
      },
    },
    h('div', { class: 'row' }, field('Name', name)),
    h('button', { type: 'submit' }, 'Create DNC group'),
    error,
  );
  refresh().catch((failure) => showError(error, failure));
  return h('section', { class: 'card' }, h('h2', {}, 'DNC groups'), h('div', { class: 'scroll' }, grid), form);
}

/** mountSetup shows the business unit's settings, skills and DNC groups, each with its form. */
export function mountSetup(root) {
  root.append(settingsCard(), skillsCard(), dncGroupsCard());
}
