// Senders (transport codes): what the business unit sends from, and a form to register another one. The kinds, their
// default rates and address rules come from /console/config.json: the server validates senders, so it describes them.
import { api } from './api.js';
import { field, h, showError, table } from './dom.js';

/** kindLabel is a sender kind's name for people, as config.json gives it (the kind itself for one it does not know). */
export function kindLabel(config, kind) {
  return config.senderKinds.find((profile) => profile.kind === kind)?.label ?? kind;
}

// What a person should know before registering a sender of this kind, in the server's words.
function kindHint(profile) {
  return [
    profile.addressRule,
    profile.canReceive ? null : 'Contacts cannot reply to it.',
    profile.carrierSendsOptConfirmations
      ? 'The carrier sends its own opt-out and opt-in confirmations, so custom ones are refused.'
      : null,
  ]
    .filter(Boolean)
    .join(' ');
}

/** mountSenders lists the senders and registers new ones. */
export function mountSenders(root, { config }) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const { el: grid, fill } = table(
    ['Address', 'Kind', 'Messages/s', 'Status', 'Receives replies'],
    'No senders yet: register a number below.',
  );
  grid.id = 'senders';
  const refresh = async () => {
    const senders = await api('GET', '/senders');
    fill(
      senders.map((s) =>
        h(
          'tr',
          {},
          h('td', { dir: 'ltr' }, s.address),
          h('td', {}, kindLabel(config, s.kind)),
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
    { id: 'sender-kind' },
    config.senderKinds.map((profile) => h('option', { value: profile.kind }, profile.label)),
  );
  const address = h('input', { required: true, dir: 'ltr' });
  const mps = h('input', { type: 'number', min: 1 });
  const hint = h('p', { id: 'sender-kind-hint', class: 'muted' });
  const showKind = () => {
    const profile = config.senderKinds.find((p) => p.kind === kind.value);
    if (!profile) return;
    address.placeholder = profile.addressExample;
    mps.placeholder = `default ${profile.defaultMps}`;
    hint.textContent = kindHint(profile);
  };
  kind.addEventListener('change', showKind);
  showKind();
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
          showKind();
          showError(error, null);
          await refresh();
        } catch (failure) {
          showError(error, failure);
        }
      },
    },
    h('div', { class: 'row' }, field('Kind', kind), field('Address', address), field('Messages/second', mps)),
    hint,
    h('button', { type: 'submit' }, 'Add sender'),
  );
  root.append(
    h('section', { class: 'card' }, h('h2', {}, 'Senders'), error, h('div', { class: 'scroll' }, grid)),
    h('section', { class: 'card' }, h('h2', {}, 'Register a sender'), form),
  );
  refresh().catch((failure) => showError(error, failure));
}
