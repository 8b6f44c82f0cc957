// One conversation in a list (the supervisor's inbox, an agent's own): the contact, its status and a line of detail.
import { h } from './dom.js';

/** conversationButton draws the conversation as a button that selects it; `status` and `detail` are its two texts. */
export function conversationButton(conversation, { selected, status, detail, onSelect }) {
  return h(
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
    h('span', { class: `status status-${conversation.status}` }, status),
    h('span', { class: 'muted' }, detail),
  );
}
