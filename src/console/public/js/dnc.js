// DNC lookup: is a phone number on one of the business unit's Do-Not-Contact groups, since when, and who changed it.
import { api } from './api.js';
import { field, formatTime, h, showError } from './dom.js';

function historyList(history) {
  if (!history?.length) return h('p', { class: 'muted' }, 'No changes recorded.');
  return h(
    'ul',
    { class: 'history' },
    history.map((entry) =>
      h('li', {}, `${formatTime(entry.at)}: ${entry.action} by ${entry.source}${entry.rule ? ` (${entry.rule})` : ''}`),
    ),
  );
}

/** mountDnc looks a phone up in a DNC group and adds or removes it. */
export function mountDnc(root) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const group = h('select', { required: true });
  const phone = h('input', { required: true, placeholder: '+15551234567', dir: 'ltr' });
  const answer = h('div', { id: 'dnc-answer', role: 'status' });
  const path = () => `/dnc-groups/${group.value}/entries/${encodeURIComponent(phone.value.trim())}`;
  // The answer names the group as the person picked it, never by its id.
  const groupName = () => `“${group.selectedOptions[0]?.textContent ?? ''}”`;

  const lookup = async () => {
    try {
      const entry = await api('GET', path());
      answer.replaceChildren(
        h(
          'p',
          { class: 'on-dnc' },
          `${entry.phone} is on ${groupName()} since ${formatTime(entry.createdAt)} (${entry.source}).`,
        ),
        historyList(entry.history),
      );
      showError(error, null);
    } catch (failure) {
      if (failure.status !== 404) return showError(error, failure);
      const history = failure.details?.history;
      answer.replaceChildren(
        h('p', { class: 'not-on-dnc' }, `${phone.value.trim()} is not on ${groupName()}.`),
        history?.length ? historyList(history) : null,
      );
      showError(error, null);
    }
  };
  const change = (method) => async () => {
    try {
      await api(method, path());
      await lookup();
    } catch (failure) {
      showError(error, failure);
    }
  };
  const form = h(
    'form',
    {
      onsubmit: (event) => {
        event.preventDefault();
        void lookup();
      },
    },
    h('div', { class: 'row' }, field('DNC group', group), field('Phone number', phone)),
    h('button', { type: 'submit' }, 'Look up'),
    h('button', { type: 'button', class: 'secondary', onclick: change('PUT') }, 'Add to list'),
    h('button', { type: 'button', class: 'secondary', onclick: change('DELETE') }, 'Remove from list'),
  );
  root.append(h('section', { class: 'card' }, h('h2', {}, 'Do-Not-Contact lookup'), form, error, answer));
  api('GET', '/dnc-groups')
    .then((groups) => group.replaceChildren(...groups.map((g) => h('option', { value: g.id }, g.name))))
    .catch((failure) => showError(error, failure));
}
