// A campaign's delivery funnel (recipients, sendable, handed to the carrier, delivered) and its failures by carrier
// error code, charted from GET /campaigns/:id: any campaign view can embed it.
import { api } from './api.js';
import { h, showError } from './dom.js';
import { barChart } from './charts.js';

/** funnelStages reads a campaign's counts as the stages of its funnel, widest first. */
export function funnelStages(counts) {
  const skipped = counts.skippedDnc + counts.skippedInvalid + counts.optedOut;
  return [
    ['Recipients', counts.total],
    ['Sendable', counts.total - skipped],
    ['Handed to the carrier', counts.sent + counts.delivered + counts.failed + (counts.inDoubt ?? 0)],
    ['Delivered', counts.delivered],
  ];
}

/** campaignFunnel is a card with a campaign's funnel and failures by code; it loads and draws itself. */
export function campaignFunnel(campaignId) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const title = h('h2', {}, 'Delivery funnel');
  const funnel = h('canvas', { id: 'campaign-funnel-chart', 'aria-label': 'Delivery funnel' });
  const failures = h('canvas', { id: 'campaign-failures-chart', 'aria-label': 'Failures by error code' });
  const stages = h('dl', { id: 'campaign-funnel', class: 'facts' });
  const card = h(
    'section',
    { class: 'card', 'data-campaign-id': campaignId },
    title,
    error,
    stages,
    h('div', { class: 'chart-box' }, funnel),
    h('h3', {}, 'Failures by error code'),
    h('div', { class: 'chart-box' }, failures),
  );
  for (const box of card.querySelectorAll('.chart-box')) /** @type {HTMLElement} */ (box).style.height = '220px';
  api('GET', `/campaigns/${campaignId}`)
    .then(async (campaign) => {
      title.textContent = `Delivery funnel: ${campaign.name}`;
      const rows = funnelStages(campaign.counts);
      stages.replaceChildren(
        ...rows.flatMap(([label, value]) => [h('dt', {}, label), h('dd', { 'data-stage': label }, String(value))]),
      );
      await barChart(
        funnel,
        rows.map(([label]) => label),
        [{ label: 'Recipients', data: rows.map(([, v]) => v) }],
        {
          horizontal: true,
        },
      );
      const codes = Object.entries(campaign.counts.failedByCode ?? {});
      await barChart(
        failures,
        codes.map(([code]) => code),
        [{ label: 'Failed', data: codes.map(([, n]) => n), backgroundColor: '#c53030' }],
      );
      card.dataset.ready = 'true';
    })
    .catch((failure) => showError(error, failure));
  return card;
}
