// One conversation: the thread oldest first, reply with a live segment counter and quick responses, close with a
// disposition. A supervisor's pane polls and offers "assign to me"; an agent's pane accepts the offer and is refreshed
// by the agent's inbox when a live event names the conversation (no polling).
import { api, measureText } from './api.js';
import { debounce, every, formatTime, h, plural, reconcile, showError } from './dom.js';

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
  return h(
    'li',
    { class: 'bubble outbound campaign' },
    h('p', { class: 'text', dir: 'auto' }, message.body),
    h('span', { class: 'meta' }, `campaign “${conversation.campaignName ?? ''}” · ${formatTime(message.sentAt)}`),
  );
}

function threadEntries(conversation) {
  const opening = conversation.campaignMessage ? [{ key: 'campaign', build: () => campaignBubble(conversation) }] : [];
  return [...opening, ...conversation.messages.map((m) => ({ key: m.id, build: () => bubble(m) }))];
}

// A quick response whose {Field} the contact's record lacks is shown but cannot be picked.
function quickOption(quick) {
  const label = quick.text === null ? `${quick.name} (no ${quick.missingField})` : quick.name;
  return h(
    'option',
    { value: quick.id, disabled: quick.text === null },
    `${label} · ${plural(quick.segments, 'segment')} · ${quick.encoding}`,
  );
}

/**
 * conversationPane builds the pane for one conversation: { el, refresh, dispose }. onChange tells the inbox that the
 * conversation moved (assigned, accepted, answered, closed).
 */
export function conversationPane(id, context, onChange) {
  const asAgent = context.role === 'agent';
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
  const quick = h('select', { id: 'quick-response', 'aria-label': 'Quick response', hidden: true });
  const send = h('button', { type: 'submit', id: 'send-reply' }, 'Send');
  const accept = h('button', { type: 'button', id: 'accept', hidden: true }, 'Accept');
  const assign = h('button', { type: 'button', id: 'assign', class: 'secondary', hidden: true }, 'Assign to me');
  const disposition = h('select', { id: 'disposition', 'aria-label': 'Disposition', hidden: true });
  const close = h('button', { type: 'button', id: 'close', class: 'secondary', hidden: true }, 'Close');
  const closedNote = h('p', { class: 'muted closed-note', hidden: true }, 'This conversation is closed.');
  const offeredNote = h('p', { class: 'muted offered-note', hidden: true }, 'Accept the offer to answer.');
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
    const offered = conversation.status === 'offered';
    accept.hidden = !(asAgent && offered);
    // A supervisor may take a conversation from the queue, an offer (withdrawn from its agent) or another agent.
    assign.hidden = asAgent || !open || (conversation.agent !== null && conversation.agent === context.agent());
    // Closing is for whoever holds the conversation: one still waiting or offered is taken first.
    close.hidden = conversation.status !== 'assigned';
    disposition.hidden = close.hidden || disposition.options.length < 2;
    const answering = open && !(asAgent && offered);
    send.disabled = !answering;
    reply.disabled = !answering;
    composer.hidden = !answering;
    offeredNote.hidden = !(asAgent && offered);
    closedNote.hidden = open;
    reconcile(
      thread,
      threadEntries(conversation),
      (entry) => entry.key,
      (entry) => entry.build(),
    );
    // Scroll to the newest message only when one arrived, so reading older ones is not interrupted.
    if (conversation.messages.length !== lastCount) thread.lastElementChild?.scrollIntoView({ block: 'nearest' });
    lastCount = conversation.messages.length;
  };
  // The lists the pane answers with: dispositions to close with, quick responses merged for this contact.
  const loadChoices = async () => {
    const [dispositions, quickResponses] = await Promise.all([
      api('GET', '/dispositions'),
      api('GET', `/conversations/${id}/quick-responses`),
    ]);
    disposition.replaceChildren(
      h('option', { value: '' }, 'No disposition'),
      ...dispositions.map((d) => h('option', { value: d.id }, d.name)),
    );
    quick.replaceChildren(h('option', { value: '' }, 'Quick response…'), ...quickResponses.map(quickOption));
    quick.hidden = quickResponses.length === 0;
    quick.onchange = () => {
      const chosen = quickResponses.find((q) => q.id === quick.value);
      quick.value = '';
      if (!chosen?.text) return;
      reply.value = chosen.text;
      count();
      reply.focus();
    };
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
    if (asAgent) return undefined;
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
  accept.addEventListener(
    'click',
    run(() => api('POST', `/conversations/${id}/accept`)),
  );
  assign.addEventListener(
    'click',
    run(() => api('POST', `/conversations/${id}/assign`, { agent: agentOrComplain() })),
  );
  close.addEventListener(
    'click',
    run(() => api('POST', `/conversations/${id}/close`, disposition.value ? { dispositionId: disposition.value } : {})),
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
    h('div', { class: 'composer-bar' }, counter, h('div', { class: 'actions' }, quick, send)),
  );

  const el = h(
    'div',
    { class: 'conversation-pane' },
    h(
      'div',
      { class: 'pane-head' },
      h('div', {}, title, facts),
      h('div', { class: 'actions' }, accept, assign, disposition, close),
    ),
    thread,
    offeredNote,
    composer,
    closedNote,
    error,
  );
  const shown = (failure) => showError(error, failure);
  const ready = loadChoices().then(refresh).catch(shown);
  // An agent's pane moves on its inbox's live events; a supervisor has no stream, so its pane polls.
  const stop = asAgent ? () => {} : every(POLL_MS, () => ready.then(refresh), shown);
  return { el, refresh: () => ready.then(refresh).catch(shown), dispose: stop };
}
