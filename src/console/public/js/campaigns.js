// Campaigns: live status, counts and progress (polled), the control buttons, and a link to each workflow in Temporal.
import { api } from './api.js';
import { every, h, showError, table } from './dom.js';
import { campaignForm } from './campaign-form.js';

const POLL_MS = 1500;
// What a supervisor means: sent is everything the carrier accepted, delivered and failed are parts of it, and what
// never went out is counted apart with its reasons. The columns are the same in every status, so nothing jumps.
const COUNTS = [
  ['total', 'Recipients'],
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['failed', 'Failed'],
  ['notSent', 'Not sent'],
  ['pending', 'Pending'],
];
const NOT_SENT_REASONS = [
  ['skippedDnc', 'on a DNC list'],
  ['skippedInvalid', 'missing or unusable value'],
  ['optedOut', 'opted out'],
  ['refused', 'refused by the carrier'],
  ['expired', 'expired'],
];
// Statuses in which nothing more is sent: recipients still pending then were never sent.
const FINISHED = new Set(['completed', 'cancelled']);

/** campaignFigures turns the API's disjoint counts into the figures the table shows, with the not-sent reasons. */
export function campaignFigures(campaign) {
  const c = campaign.counts;
  const reasons = NOT_SENT_REASONS.map(([key, label]) => [label, c[key]]).filter(([, n]) => n > 0);
  const leftOver = FINISHED.has(campaign.status) ? c.pending : 0;
  if (leftOver > 0) reasons.push([`${campaign.status} before sending`, leftOver]);
  return {
    total: c.total,
    sent: c.accepted,
    delivered: c.delivered,
    failed: c.failed - c.refused,
    notSent: reasons.reduce((sum, [, n]) => sum + n, 0),
    // In doubt: handed to the carrier with no answer yet, so still on its way as far as a person can tell.
    pending: c.pending - leftOver + c.inDoubt,
    reasons,
  };
}

/** workflowRan tells whether a campaign ever had a workflow to look at (a draft, or one cancelled as a draft, had none). */
function workflowRan(campaign) {
  if (campaign.status === 'draft') return false;
  return campaign.status !== 'cancelled' || campaign.startedAt !== null;
}

/** temporalWorkflowsUrl opens the Temporal Web UI filtered on one campaign's CampaignId search attribute. */
export function temporalWorkflowsUrl(config, campaignId) {
  const base = config.temporalUiUrl ?? `${location.protocol}//${location.hostname}:8233`;
  const query = encodeURIComponent(`CampaignId="${campaignId}"`);
  return `${base}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows?query=${query}`;
}

// One table row per campaign, updated in place so a poll never swallows a click on its buttons.
function campaignRow(campaign, config, onAction) {
  const status = h('span', { class: 'status' });
  const progress = h('progress', { max: 1, value: 0 });
  const progressText = h('span', { class: 'progress-text' });
  const counts = Object.fromEntries(COUNTS.map(([key]) => [key, h('span', { 'data-count': key })]));
  const reasons = h('span', { class: 'muted reasons' });
  // The actions and the statuses each is offered in are the server's (config.json), as is the endpoint of each.
  const actions = Object.keys(config.campaignActionsFrom);
  const buttons = Object.fromEntries(
    actions.map((action) => [
      action,
      h(
        'button',
        {
          type: 'button',
          class: `action ${action}`,
          'data-action': action,
          onclick: () => onAction(campaign.id, action),
        },
        action,
      ),
    ]),
  );
  const temporalLink = h(
    'a',
    { href: temporalWorkflowsUrl(config, campaign.id), target: '_blank', rel: 'noopener', class: 'temporal-link' },
    'Workflow ↗',
  );
  const noWorkflow = h('span', { class: 'muted no-workflow' }, 'not started');
  const el = h(
    'tr',
    { 'data-campaign-id': campaign.id },
    h('td', {}, h('div', { class: 'name', dir: 'auto' }, campaign.name), h('div', { class: 'muted id' }, campaign.id)),
    h('td', {}, status),
    h('td', { class: 'progress-cell' }, progress, progressText),
    COUNTS.map(([key]) => h('td', { class: 'num' }, counts[key], key === 'notSent' ? reasons : null)),
    h(
      'td',
      { class: 'actions' },
      actions.map((action) => buttons[action]),
    ),
    h(
      'td',
      {},
      temporalLink,
      noWorkflow,
      h('a', { href: `#/reports/campaign/${campaign.id}`, class: 'funnel-link' }, 'Funnel'),
    ),
  );
  const update = (next) => {
    status.textContent = next.status.replaceAll('_', ' ');
    status.className = `status status-${next.status}`;
    el.dataset.status = next.status;
    const figures = campaignFigures(next);
    const finished = figures.total - figures.pending;
    progress.max = Math.max(figures.total, 1);
    progress.value = finished;
    const share = figures.total ? Math.floor((finished / figures.total) * 100) : 0;
    progressText.textContent = `${finished} / ${figures.total} (${share}%)`;
    for (const [key] of COUNTS) counts[key].textContent = String(figures[key]);
    reasons.textContent = figures.reasons.map(([label, n]) => `${n} ${label}`).join(' · ');
    reasons.title = reasons.textContent;
    const ran = workflowRan(next);
    temporalLink.hidden = !ran;
    noWorkflow.hidden = ran;
    for (const action of actions) buttons[action].hidden = !config.campaignActionsFrom[action].includes(next.status);
  };
  update(campaign);
  return { el, update };
}

/** mountCampaigns shows every campaign of the business unit and keeps them current until the view changes. */
export function mountCampaigns(root, { config }) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const { el: grid, body } = table([
    'Campaign',
    'Status',
    'Progress',
    ...COUNTS.map(([, title]) => title),
    '',
    'Temporal',
  ]);
  grid.id = 'campaigns';
  const empty = h('p', { class: 'muted', hidden: true }, 'No campaigns yet: create one below.');
  const rows = new Map();

  const refresh = async () => {
    const campaigns = await api('GET', '/campaigns');
    showError(error, null);
    empty.hidden = campaigns.length > 0;
    // Newest first, which is where a campaign someone just created appears.
    for (const campaign of [...campaigns].reverse()) {
      let row = rows.get(campaign.id);
      if (!row) {
        row = campaignRow(campaign, config, act);
        rows.set(campaign.id, row);
        body.prepend(row.el);
      }
      row.update(campaign);
    }
  };
  async function act(id, action) {
    try {
      await api('POST', `/campaigns/${id}/${action}`);
      await refresh();
    } catch (failure) {
      showError(error, failure);
    }
  }

  root.append(
    h('section', { class: 'card' }, h('h2', {}, 'Campaigns'), error, h('div', { class: 'scroll' }, grid), empty),
    campaignForm(config, () => void refresh().catch((failure) => showError(error, failure))),
  );
  return every(POLL_MS, refresh, (failure) => showError(error, failure));
}
