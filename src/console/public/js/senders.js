// Senders (transport codes): what the business unit sends from, and a form to register another one.
import { api } from './api.js';
import { field, h, showError, table } from './dom.js';

const KINDS = [
  ['long_code', 'Long code'],
  ['short_code', 'Short code'],
  ['toll_free', 'Toll-free'],
  ['alphanumeric', 'Alphanumeric ID'],
];

/** mountSenders lists the senders and registers new ones. */
export function mountSenders(root) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const { el: grid, body } = table(['Address', 'Kind', 'Messages/s', 'Status', 'Receives replies']);
  grid.id = 'senders';
  const refresh = async () => {
    const senders = await api('GET', '/senders');
    body.replaceChildren(
      ...senders.map((s) =>
        h(
          'tr',
          {},
          h('td', { dir: 'ltr' }, s.address),
          h('td', {}, KINDS.find(([kind]) => kind === s.kind)?.[1] ?? s.kind),
          h('td', { class: 'num' }, String(s.mps)),
          h(
            'td',
            {},
            s.status + (s.expectedReadyAt ? ` (ready ${new Date(s.expectedReadyAt).toLocaleDateString()})` : ''),
          ),
          h('td', {}, s.canReceive ? 'yes' : 'no'),
        ),
      ),
    );
  };
  const kind = h(
    'select',
    {},
    KINDS.map(([value, text]) => h('option', { value }, text)),
  );
  const address = h('input', { required: true, placeholder: '+15551234567' });
  const mps = h('input', { type: 'number', min: 1, placeholder: 'default' });
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api('POST', '/senders', {
            kind: kind.value,
            address: address.value.trim(),
            ...(mps.value ? { mps: Number(mps.value) } : {}),
          });
          form.reset();
          showError(error, null);
          await refresh();
        } catch (failure) {
          showError(error, failure);
        }
      },
    },
    h('div', { class: 'row' }, field('Kind', kind), field('Address', address), field('Messages/second', mps)),
    h('button', { type: 'submit' }, 'Add sender'),
  );
  root.append(
    h('section', { class: 'card' }, h('h2', {}, 'Senders'), error, h('div', { class: 'scroll' }, grid)),
    h('section', { class: 'card' }, h('h2', {}, 'Register a sender'), form),
  );
  refresh().catch((failure) => showError(error, failure));
}
