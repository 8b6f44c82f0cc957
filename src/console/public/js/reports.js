// Reports: what was sent, delivered, failed, opted out and answered per skill, skill group, campaign, sender, day or
// hour, and how agents took up conversations; charted, tabled and downloadable as CSV (the API's own, byte for byte).
// #/reports/campaign/<id> shows one campaign's delivery funnel.
import { api, apiKey } from './api.js';
import { field, h, showError, table } from './dom.js';
import { barChart } from './charts.js';
import { campaignFunnel } from './campaign-funnel.js';

const GROUPINGS = [
  ['day', 'Day'],
  ['hour', 'Hour'],
  ['campaign', 'Campaign'],
  ['skill', 'Skill'],
  ['skillGroup', 'Skill group'],
  ['sender', 'Sender'],
];
const MESSAGE_COLUMNS = [
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['failed', 'Failed'],
  ['expired', 'Expired'],
  ['skippedDnc', 'Skipped (DNC)'],
  ['skippedInvalid', 'Skipped (invalid)'],
  ['optOuts', 'Opt-outs'],
  ['optOutRate', 'Opt-out rate'],
  ['replies', 'Replies'],
  ['replyRate', 'Reply rate'],
  ['segmentsSent', 'Segments'],
  ['estimatedCost', 'Est. cost'],
];
const AGENT_COLUMNS = [
  ['offered', 'Offered'],
  ['accepted', 'Accepted'],
  ['closed', 'Closed'],
  ['avgTimeToAccept', 'Avg to accept (s)'],
  ['p90TimeToAccept', 'p90 to accept (s)'],
  ['avgTimeToFirstAnswer', 'Avg to answer (s)'],
  ['avgHandleTime', 'Avg handle (s)'],
  ['serviceLevel', 'Service level'],
];
const DAY_MS = 86_400_000;

const isoDay = (date) => date.toISOString().slice(0, 10);
const labelOf = (row) => row.name ?? row.key ?? '(none)';
const showValue = (key, value) =>
  value === null ? '' : /Rate$|serviceLevel/.test(key) ? `${(value * 100).toFixed(1)}%` : String(value);

// A CSV answer needs the key in a header, so the download is fetched and handed to the browser as a file.
async function download(path, filename) {
  const res = await fetch(`/v1${path}`, { headers: { authorization: `Bearer ${apiKey()}`, accept: 'text/csv' } });
  if (!res.ok) throw new Error(`the download failed (HTTP ${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * reportSection is one report: period and grouping pickers, a chart of `series`, a table of `columns` and a CSV
 * download, all from GET /reports/<report>.
 */
function reportSection({ id, title, report, groupings, defaultGrouping, columns, series, stacked }) {
  const today = new Date();
  const from = h('input', { type: 'date', name: 'from', value: isoDay(new Date(today.getTime() - 6 * DAY_MS)) });
  const to = h('input', { type: 'date', name: 'to', value: isoDay(today) });
  const groupBy = h(
    'select',
    { name: 'groupBy' },
    groupings.map(([value, caption]) => h('option', { value, selected: value === defaultGrouping }, caption)),
  );
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const canvas = h('canvas', { 'aria-label': title });
  const chartBox = h('div', { class: 'chart-box' }, canvas);
  chartBox.style.height = '260px';
  // Pickers side by side (through the CSSOM, which the Content-Security-Policy allows, unlike style attributes).
  const filters = { display: 'flex', flexWrap: 'wrap', gap: '0.75rem', alignItems: 'end' };
  const { el: grid, body } = table(['', ...columns.map(([, caption]) => caption)]);
  const query = () =>
    `/reports/${report}?${new URLSearchParams({ from: from.value, to: to.value, groupBy: groupBy.value })}`;
  const section = h(
    'section',
    { class: 'card report', id },
    h('h2', {}, title),
    h(
      'form',
      { class: 'report-filters', onsubmit: (event) => (event.preventDefault(), void load()) },
      field('From', from),
      field('To', to),
      field('Per', groupBy),
      h('button', { type: 'submit' }, 'Show'),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary download',
          onclick: () =>
            void download(query(), `${report}-by-${groupBy.value}-${from.value}-${to.value}.csv`).catch((failure) =>
              showError(error, failure),
            ),
        },
        'Download CSV',
      ),
    ),
    error,
    chartBox,
    h('div', { class: 'scroll' }, grid),
  );

  Object.assign(/** @type {HTMLElement} */ (section.querySelector('.report-filters')).style, filters);

  async function load() {
    delete section.dataset.ready;
    try {
      const { rows } = await api('GET', query());
      showError(error, null);
      body.replaceChildren(
        ...rows.map((row) =>
          h(
            'tr',
            { 'data-key': row.key ?? '' },
            h('td', { dir: 'auto' }, labelOf(row)),
            columns.map(([key]) => h('td', { class: 'num', 'data-column': key }, showValue(key, row[key]))),
          ),
        ),
      );
      await barChart(
        canvas,
        rows.map(labelOf),
        series.map(([key, label]) => ({ label, data: rows.map((row) => row[key] ?? 0) })),
        { stacked },
      );
      section.dataset.ready = 'true';
    } catch (failure) {
      showError(error, failure);
    }
  }
  void load();
  return section;
}

/** mountReports shows the message and agent reports, or one campaign's funnel (#/reports/campaign/<id>). */
export function mountReports(root) {
  const [, sub, campaignId] = location.hash.replace(/^#\/?/, '').split('/');
  if (sub === 'campaign' && campaignId) {
    root.append(h('p', {}, h('a', { href: '#/reports' }, '← All reports')), campaignFunnel(campaignId));
    return;
  }
  root.append(
    reportSection({
      id: 'message-report',
      title: 'Messages',
      report: 'messages',
      groupings: GROUPINGS,
      defaultGrouping: 'day',
      columns: MESSAGE_COLUMNS,
      series: [
        ['delivered', 'Delivered'],
        ['failed', 'Failed'],
        ['expired', 'Expired'],
        ['awaitingReceipt', 'Awaiting receipt'],
      ],
      stacked: true,
    }),
    reportSection({
      id: 'agent-report',
      title: 'Agents',
      report: 'agents',
      groupings: [['agent', 'Agent'], ...GROUPINGS],
      defaultGrouping: 'agent',
      columns: AGENT_COLUMNS,
      series: [
        ['offered', 'Offered'],
        ['accepted', 'Accepted'],
        ['closed', 'Closed'],
      ],
      stacked: false,
    }),
  );
}
