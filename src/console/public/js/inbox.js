// The supervisor's inbox: every conversation waiting, offered or in hand, polled so new replies appear without
// reloading (an agent's own key gets agent-inbox.js, moved by live events instead).
import { api } from './api.js';
import { asSentence, every, formatTime, h, reconcile, showError, table } from './dom.js';
import { conversationButton } from './conversation-button.js';
import { conversationPane } from './conversation-pane.js';

const POLL_MS = 1500;
const CLOSED_SHOWN = 20;
const UNROUTED_SHOWN = 20;

function unroutedRow(reply) {
  return h(
    'tr',
    { 'data-message-sid': reply.messageSid, 'data-reason': reply.reason },
    h('td', { dir: 'ltr' }, reply.from),
    h('td', {}, formatTime(reply.receivedAt)),
    h('td', { class: 'body', dir: 'auto' }, reply.body),
    h('td', { dir: 'auto' }, reply.campaignName ?? '—'),
    h('td', { class: 'reason' }, asSentence(reply.explanation)),
  );
}

function queueItem(conversation, selected, onSelect) {
  return h(
    'li',
    {},
    conversationButton(conversation, {
      selected,
      status: conversation.agent ? `${conversation.status}: ${conversation.agent}` : conversation.status,
      detail: `${conversation.campaignName ? `${conversation.campaignName} · ` : ''}to ${conversation.sender} · ${formatTime(conversation.lastMessageAt)}`,
      onSelect,
    }),
  );
}

/** mountInbox shows the queue on the left and the selected conversation on the right. */
export function mountInbox(root, context) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const queue = h('ul', { class: 'queue', id: 'queue' });
  const mine = h('ul', { class: 'queue', id: 'assigned' });
  // Closed conversations stay findable: the most recently closed first.
  const closed = h('ul', { class: 'queue', id: 'closed' });
  const paneSlot = h('div', { class: 'pane' }, h('p', { class: 'muted' }, 'Pick a conversation from the queue.'));
  // Replies no agent will ever see, so a supervisor learns they came and why they reached nobody.
  const unroutedHeaders = ['From', 'Received', 'Message', 'Campaign', 'Why it reached no agent'];
  const { el: unroutedGrid, body: unroutedBody } = table(unroutedHeaders);
  const noUnrouted = h(
    'tr',
    { class: 'empty' },
    h(
      'td',
      { colspan: unroutedHeaders.length, class: 'muted' },
      'None: every reply reached an agent or was a keyword.',
    ),
  );
  unroutedGrid.id = 'unrouted';
  let selectedId = null;
  let pane = null;

  const select = (id) => {
    selectedId = id;
    for (const button of root.querySelectorAll('button.conversation'))
      button.classList.toggle('selected', button.getAttribute('data-conversation-id') === id);
    pane?.dispose();
    pane = conversationPane(id, context, () => void refresh());
    paneSlot.replaceChildren(pane.el);
    void refresh();
  };
  const refresh = async () => {
    const [queued, offered, assigned, recentlyClosed, unrouted] = await Promise.all([
      api('GET', '/conversations?status=queued'),
      // Offered to an agent and not yet accepted: still waiting, and a supervisor may take one over.
      api('GET', '/conversations?status=offered'),
      api('GET', '/conversations?status=assigned'),
      api('GET', `/conversations?status=closed&limit=${CLOSED_SHOWN}`),
      api('GET', `/unrouted-replies?limit=${UNROUTED_SHOWN}`),
    ]);
    // Redrawn in place: an item under the pointer is kept, so a click that starts during a poll still lands.
    reconcile(unroutedBody, unrouted, (r) => r.messageSid, unroutedRow, noUnrouted);
    showError(error, null);
    const item = (c) => queueItem(c, c.id === selectedId, select);
    reconcile(queue, [...queued, ...offered], (c) => c.id, item, h('li', { class: 'muted' }, 'Nobody is waiting.'));
    reconcile(mine, assigned, (c) => c.id, item, h('li', { class: 'muted' }, 'None.'));
    reconcile(closed, recentlyClosed, (c) => c.id, item, h('li', { class: 'muted' }, 'None yet.'));
  };

  root.append(
    h(
      'section',
      { class: 'card inbox' },
      h(
        'div',
        { class: 'sidebar' },
        h('h2', {}, 'Waiting'),
        queue,
        h('h2', {}, 'Assigned'),
        mine,
        h('h2', {}, 'Recently closed'),
        closed,
        error,
      ),
      paneSlot,
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Unrouted replies'), h('div', { class: 'scroll' }, unroutedGrid)),
  );
  const stop = every(POLL_MS, refresh, (failure) => showError(error, failure));
  return () => {
    stop();
    pane?.dispose();
  };
}
