// Charts with Chart.js, served by the API from its own origin (/console/vendor/): no CDN, so a console behind a
// firewall draws them too. The library is loaded once, on the first page that draws a chart.

const CHART_JS = '/console/vendor/chart.umd.min.js';
const COLOURS = ['#2f855a', '#c53030', '#b7791f', '#718096', '#2b6cb0', '#6b46c1', '#dd6b20', '#319795'];
let loading = null;

/** loadCharts resolves with Chart.js's global once its browser build has loaded. */
export function loadCharts() {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = CHART_JS;
    script.onload = () => resolve(/** @type {any} */ (window).Chart);
    script.onerror = () => {
      loading = null;
      reject(new Error(`the chart library could not be loaded from ${CHART_JS}`));
    };
    document.head.append(script);
  });
  return loading;
}

/**
 * barChart draws (or redraws) a bar chart in a canvas: one bar per label, one series per dataset, stacked when asked;
 * returns the chart so the caller can destroy it with its view.
 */
export async function barChart(canvas, labels, datasets, { stacked = false, horizontal = false } = {}) {
  const Chart = await loadCharts();
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: datasets.map((d, i) => ({ ...d, backgroundColor: d.backgroundColor ?? COLOURS[i % COLOURS.length] })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
    },
  });
}
