// The supervisor's view of the ACD: per skill, the queue, its longest wait, agents by state and the service level
// beside its target (GET /v1/queue, the figures /metrics gives); then every agent's state and load. A supervisor's
// key has no event stream (events are an agent's own), so this view is read again every few seconds, redrawn in place.
import { api } from './api.js';
import { every, formatTime, h, reconcile, showError, table } from './dom.js';

const REFRESH_MS = 3000;

const percent = (share) => `${Number((share * 100).toFixed(1))}%`;

function skillRow(skill) {
  const level = skill.serviceLevel;
  const verdict = level.measured === null ? 'none' : level.measured >= level.target ? 'met' : 'missed';
  return h(
    'tr',
    { 'data-skill-id': skill.skillId },
    h('td', { dir: 'auto' }, skill.name),
    h('td', { class: 'num queued' }, String(skill.queued)),
    h('td', { class: 'num' }, skill.longestWaitSeconds === null ? '—' : `${Math.round(skill.longestWaitSeconds)} s`),
    h('td', { class: 'num' }, String(skill.offered)),
    h('td', { class: 'num' }, String(skill.assigned)),
    h('td', { class: 'num agents-available' }, String(skill.agents.available)),
    h('td', { class: 'num' }, String(skill.agents.unavailable)),
    h('td', { class: 'num' }, String(skill.agents.offline)),
    h(
      'td',
      { class: `num service-level ${verdict}` },
      level.measured === null ? '—' : `${percent(level.measured)} of ${level.accepted}`,
    ),
    h('td', { class: 'num muted' }, `${percent(level.target)} in ${level.seconds} s`),
  );
}

function agentRow(agent) {
  return h(
    'tr',
    { 'data-agent-id': agent.id },
    h('td', { dir: 'auto' }, agent.name),
    h(
      'td',
      {},
      h(
        'span',
        { class: `status state-${agent.state}` },
        agent.reason ? `${agent.state}: ${agent.reason}` : agent.state,
      ),
    ),
    h('td', { class: 'num' }, `${agent.openConversations} / ${agent.maxConversations}`),
    h('td', {}, formatTime(agent.lastHeartbeatAt)),
  );
}

/** mountQueues shows the supervisor's figures per skill and the agents' states. */
export function mountQueues(root) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const skills = table([
    'Skill',
    'Waiting',
    'Longest wait',
    'Offered',
    'In hand',
    'Available',
    'Unavailable',
    'Offline',
    'Service level',
    'Target',
  ]);
  skills.el.id = 'queues';
  const agents = table(['Agent', 'State', 'Conversations', 'Last heartbeat']);
  agents.el.id = 'agents';
  const emptyRow = (columns, text) => h('tr', { class: 'empty' }, h('td', { colspan: columns, class: 'muted' }, text));

  const refresh = async () => {
    const [summary, people] = await Promise.all([api('GET', '/queue'), api('GET', '/agents')]);
    reconcile(skills.body, summary.skills, (s) => s.skillId, skillRow, emptyRow(10, 'No skill handles replies yet.'));
    reconcile(agents.body, people, (a) => a.id, agentRow, emptyRow(4, 'No agents yet: POST /v1/agents makes one.'));
    showError(error, null);
  };
  root.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Queues'),
      h('p', { class: 'muted' }, 'Service level: the share of conversations accepted within the target time.'),
      h('div', { class: 'scroll' }, skills.el),
      error,
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Agents'), h('div', { class: 'scroll' }, agents.el)),
  );
  return every(REFRESH_MS, refresh, (failure) => showError(error, failure));
}
