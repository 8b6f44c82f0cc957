// One conversation: the thread oldest first (polled), assign to me, reply with a live segment counter, close.
import { api, measureText } from './api.js';
import { debounce, every, formatTime, h, showError } from './dom.js';

const POLL_MS = 1500;

function bubble(message) {
  const who = message.direction === 'inbound' ? 'customer' : (message.agent ?? 'system');
  return h(
    'li',
    { class: `bubble ${message.direction}`, 'data-message-id': message.id },
    h('p', { class: 'text', dir: 'auto' }, message.body),
    h(
      'span',
      { class: 'meta' },
      `${who} · ${formatTime(message.createdAt)}${message.direction === 'outbound' ? ` · ${message.state}` : ''}`,
    ),
  );
}

// The campaign's message the contact answers opens the thread, so the agent reads the question in its context.
function campaignBubble(conversation) {
  const message = conversation.campaignMessage;
  if (!message) return null;
  return h(
    'li',
    { class: 'bubble outbound campaign' },
    h('p', { class: 'text', dir: 'auto' }, message.body),
    h('span', { class: 'meta' }, `campaign “${conversation.campaignName ?? ''}” · ${formatTime(message.sentAt)}`),
  );
}

/** conversationPane builds the pane for one conversation; dispose stops its polling. onChange refreshes the queue. */
export function conversationPane(id, context, onChange) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const title = h('h2', { dir: 'ltr' });
  const facts = h('p', { class: 'muted' });
  const thread = h('ol', { class: 'thread', id: 'thread' });
  const reply = h('textarea', {
    id: 'reply',
    rows: 3,
    dir: 'auto',
    placeholder: 'Type a reply…',
    maxlength: context.config.agentReplyMaxLength,
  });
  const counter = h('span', { id: 'segment-counter', class: 'muted' }, '0 characters · 0 segments');
  const send = h('button', { type: 'submit', id: 'send-reply' }, 'Send');
  const assign = h('button', { type: 'button', id: 'assign', class: 'secondary' }, 'Assign to me');
  const close = h('button', { type: 'button', id: 'close', class: 'secondary' }, 'Close');
  const closedNote = h('p', { class: 'muted closed-note', hidden: true }, 'This conversation is closed.');
  let lastCount = -1;

  const refresh = async () => {
    const conversation = await api('GET', `/conversations/${id}`);
    title.textContent = conversation.contactName
      ? `${conversation.contactName} · ${conversation.contact}`
      : conversation.contact;
    facts.textContent = [
      conversation.status + (conversation.agent ? ` · ${conversation.agent}` : ''),
      conversation.campaignName ? `campaign “${conversation.campaignName}”` : null,
      `to ${conversation.sender}`,
    ]
      .filter(Boolean)
      .join(' · ');
    const open = conversation.status !== 'closed';
    assign.hidden = !open || (conversation.agent !== null && conversation.agent === context.agent());
    // Closing is for the agent who took the conversation: one still waiting in the queue is taken first.
    close.hidden = conversation.status !== 'assigned';
    send.disabled = !open;
    reply.disabled = !open;
    composer.hidden = !open;
    closedNote.hidden = open;
    const opening = campaignBubble(conversation);
    thread.replaceChildren(...(opening ? [opening] : []), ...conversation.messages.map(bubble));
    // Scroll to the newest message only when one arrived, so reading older ones is not interrupted.
    if (conversation.messages.length !== lastCount) thread.lastElementChild?.scrollIntoView({ block: 'nearest' });
    lastCount = conversation.messages.length;
  };
  const run = (task) => async () => {
    try {
      await task();
      showError(error, null);
      await refresh();
      onChange();
    } catch (failure) {
      showError(error, failure);
    }
  };
  const agentOrComplain = () => {
    const agent = context.agent();
    if (!agent) throw new Error('Type your name in the Agent box at the top first.');
    return agent;
  };

  const count = debounce(150, async () => {
    if (!reply.value.trim()) return void (counter.textContent = '0 characters · 0 segments');
    try {
      const size = await measureText(reply.value);
      counter.textContent = `${size.characters} characters · ${size.segments} segment${size.segments === 1 ? '' : 's'} · ${size.encoding}`;
    } catch (failure) {
      counter.textContent = failure.message;
    }
  });
  reply.addEventListener('input', count);
  assign.addEventListener(
    'click',
    run(() => api('POST', `/conversations/${id}/assign`, { agent: agentOrComplain() })),
  );
  close.addEventListener(
    'click',
    run(() => api('POST', `/conversations/${id}/close`)),
  );
  const composer = h(
    'form',
    {
      class: 'composer',
      onsubmit: (event) => {
        event.preventDefault();
        void run(async () => {
          await api('POST', `/conversations/${id}/messages`, { body: reply.value, agent: agentOrComplain() });
          reply.value = '';
          counter.textContent = '0 characters · 0 segments';
        })();
      },
    },
    reply,
    h('div', { class: 'composer-bar' }, counter, send),
  );

  const el = h(
    'div',
    { class: 'conversation-pane' },
    h('div', { class: 'pane-head' }, h('div', {}, title, facts), h('div', {}, assign, close)),
    thread,
    composer,
    closedNote,
    error,
  );
  const stop = every(POLL_MS, refresh, (failure) => showError(error, failure));
  return { el, dispose: stop };
}
