// The agents' inbox: the conversations waiting (and those in hand), polled so new replies appear without reloading.
import { api } from './api.js';
import { asSentence, every, formatTime, h, showError, table } from './dom.js';
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
    h(
      'button',
      {
        type: 'button',
        class: `conversation${selected ? ' selected' : ''}`,
        'data-conversation-id': conversation.id,
        'data-status': conversation.status,
        onclick: () => onSelect(conversation.id),
      },
      h(
        'span',
        { class: 'contact' },
        conversation.contactName ? h('bdi', { class: 'contact-name' }, conversation.contactName) : null,
        h('span', { dir: 'ltr' }, conversation.contact),
      ),
      h(
        'span',
        { class: `status status-${conversation.status}` },
        conversation.agent ? `${conversation.status}: ${conversation.agent}` : conversation.status,
      ),
      h(
        'span',
        { class: 'muted' },
        `${conversation.campaignName ? `${conversation.campaignName} · ` : ''}to ${conversation.sender} · ${formatTime(conversation.lastMessageAt)}`,
      ),
    ),
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
  const { el: unroutedGrid, fill: fillUnrouted } = table(
    ['From', 'Received', 'Message', 'Campaign', 'Why it reached no agent'],
    'None: every reply reached an agent or was a keyword.',
  );
  unroutedGrid.id = 'unrouted';
  let selectedId = null;
  let pane = null;

  const select = (id) => {
    selectedId = id;
    pane?.dispose();
    pane = conversationPane(id, context, () => void refresh());
    paneSlot.replaceChildren(pane.el);
    void refresh();
  };
  const refresh = async () => {
    const [queued, assigned, recentlyClosed, unrouted] = await Promise.all([
      api('GET', '/conversations?status=queued'),
      api('GET', '/conversations?status=assigned'),
      api('GET', `/conversations?status=closed&limit=${CLOSED_SHOWN}`),
      api('GET', `/unrouted-replies?limit=${UNROUTED_SHOWN}`),
    ]);
    fillUnrouted(unrouted.map(unroutedRow));
    showError(error, null);
    queue.replaceChildren(...queued.map((c) => queueItem(c, c.id === selectedId, select)));
    if (queued.length === 0) queue.append(h('li', { class: 'muted' }, 'Nobody is waiting.'));
    mine.replaceChildren(...assigned.map((c) => queueItem(c, c.id === selectedId, select)));
    if (assigned.length === 0) mine.append(h('li', { class: 'muted' }, 'None.'));
    closed.replaceChildren(...recentlyClosed.map((c) => queueItem(c, c.id === selectedId, select)));
    if (recentlyClosed.length === 0) closed.append(h('li', { class: 'muted' }, 'None yet.'));
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
