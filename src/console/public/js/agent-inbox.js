// An agent's own inbox (signed in with the agent's key): offers arrive, are accepted, read, answered and closed with
// a disposition, and the agent sets its state. Everything moves on the agent's live events (GET /v1/events), never by
// polling, and any number of tabs may be open: each has its stream, and each hears what another tab did.
import { api } from './api.js';
import { formatTime, h, reconcile, showError } from './dom.js';
import { conversationButton } from './conversation-button.js';
import { conversationPane } from './conversation-pane.js';
import { openEventStream } from './event-stream.js';

/** HEARTBEAT_MS is how often the open page says the agent is there (the server sets a silent agent offline). */
const HEARTBEAT_MS = 20_000;

const UNAVAILABLE_REASONS = [
  ['break', 'Break'],
  ['lunch', 'Lunch'],
  ['training', 'Training'],
  ['meeting', 'Meeting'],
  ['after_call_work', 'After-call work'],
];

function stateText(agent) {
  return agent.reason ? `${agent.state}: ${agent.reason.replace(/_/g, ' ')}` : agent.state;
}

// A list item keeps its element across redraws (reconcile), so its listeners name only the conversation's id.
function conversationItem(conversation, selectedId, onSelect, onAccept) {
  const offered = conversation.status === 'offered';
  return h(
    'li',
    { class: 'conversation-item' },
    conversationButton(conversation, {
      selected: conversation.id === selectedId,
      status: conversation.status,
      detail: [
        conversation.campaignName,
        `to ${conversation.sender}`,
        offered && conversation.offerExpiresAt
          ? `offer ends ${formatTime(conversation.offerExpiresAt)}`
          : formatTime(conversation.lastMessageAt),
      ]
        .filter(Boolean)
        .join(' · '),
      onSelect,
    }),
    offered
      ? h(
          'button',
          {
            type: 'button',
            class: 'accept-offer',
            'data-conversation-id': conversation.id,
            onclick: () => onAccept(conversation.id),
          },
          'Accept',
        )
      : null,
  );
}

/** mountAgentInbox shows the agent's state, its offers and conversations on the left and the one chosen on the right. */
export function mountAgentInbox(root, context) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const stateBadge = h('span', { id: 'agent-state', class: 'status' });
  const goAvailable = h('button', { type: 'button', id: 'go-available' }, 'Available');
  const reason = h(
    'select',
    { id: 'unavailable-reason', 'aria-label': 'Why unavailable' },
    UNAVAILABLE_REASONS.map(([value, caption]) => h('option', { value }, caption)),
  );
  const goUnavailable = h('button', { type: 'button', id: 'go-unavailable', class: 'secondary' }, 'Unavailable');
  const live = h('span', { id: 'live', class: 'muted' }, 'Connecting…');
  const offers = h('ul', { class: 'queue', id: 'offers' });
  const mine = h('ul', { class: 'queue', id: 'mine' });
  const paneSlot = h('div', { class: 'pane' }, h('p', { class: 'muted' }, 'Offers appear here as they are made.'));
  let selectedId = null;
  let pane = null;

  const fail = (failure) => showError(error, failure);
  const showState = (agent) => {
    stateBadge.textContent = stateText(agent);
    stateBadge.className = `status state-${agent.state}`;
    stateBadge.setAttribute('data-state', agent.state);
    goAvailable.disabled = agent.state === 'available';
  };
  const setState = async (state, why) => {
    showState(await api('PUT', '/agents/me/state', why ? { state, reason: why } : { state }));
    showError(error, null);
  };

  const drawLists = async () => {
    const [offered, assigned] = await Promise.all([
      api('GET', '/conversations?status=offered'),
      api('GET', '/conversations?status=assigned'),
    ]);
    const item = (c) => conversationItem(c, selectedId, select, accept);
    reconcile(offers, offered, (c) => c.id, item, h('li', { class: 'muted' }, 'No offers.'));
    reconcile(mine, assigned, (c) => c.id, item, h('li', { class: 'muted' }, 'None.'));
    showError(error, null);
  };
  // Events that arrive while the lists load cause one more load after it, never a pile of them.
  let loading = null;
  let again = false;
  const reload = () => {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      do {
        again = false;
        await drawLists();
      } while (again);
    })()
      .catch(fail)
      .finally(() => {
        loading = null;
      });
    return loading;
  };

  function select(id) {
    selectedId = id;
    for (const button of root.querySelectorAll('button.conversation'))
      button.classList.toggle('selected', button.getAttribute('data-conversation-id') === id);
    pane?.dispose();
    pane = conversationPane(id, context, () => void reload());
    paneSlot.replaceChildren(pane.el);
  }
  async function accept(id) {
    try {
      await api('POST', `/conversations/${id}/accept`);
      select(id);
      await reload();
    } catch (failure) {
      fail(failure);
    }
  }

  const onEvent = (name, data) => {
    if (name === 'ready') {
      live.textContent = 'Live';
      // A new connection may have missed events: everything is read again once.
      api('GET', '/agents/me').then(showState, fail);
      void pane?.refresh();
    }
    if (name === 'state') showState(data);
    // A state change may have taken the open offer back (lapsed, or the agent went away): the pane says so.
    if (name === 'state' || (data.conversationId && data.conversationId === selectedId)) void pane?.refresh();
    void reload();
  };
  const stopStream = openEventStream(onEvent, () => {
    live.textContent = 'Reconnecting…';
  });
  const beat = () => api('POST', '/agents/me/heartbeat').catch(fail);
  void beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);

  goAvailable.addEventListener('click', () => void setState('available').catch(fail));
  goUnavailable.addEventListener('click', () => void setState('unavailable', reason.value).catch(fail));
  showState(context.me);
  void reload();

  root.append(
    h(
      'section',
      { class: 'card agent-bar' },
      h('strong', { id: 'agent-name-shown' }, context.me.name),
      stateBadge,
      goAvailable,
      reason,
      goUnavailable,
      live,
    ),
    h(
      'section',
      { class: 'card inbox agent-desk' },
      h('div', { class: 'sidebar' }, h('h2', {}, 'Offers'), offers, h('h2', {}, 'My conversations'), mine, error),
      paneSlot,
    ),
  );
  return () => {
    stopStream();
    clearInterval(heartbeat);
    pane?.dispose();
  };
}
