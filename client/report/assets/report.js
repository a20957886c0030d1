// The report page's script, read by client/report/assets.ts and inlined after Chart.js and the report's
// data (a JSON script element, #report-data): the example filter and the two Chart.js charts. Plain
// ES2020 run as a classic script, so it is shipped as written.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const gens = data.generations;
  const labels = gens.map((g) => 'gen ' + g.generation);
  const drawnCharts = new WeakSet();
  let drawn = 0;
  const markDrawn = {
    id: 'markDrawn',
    afterRender(chart) {
      if (drawnCharts.has(chart)) return;
      drawnCharts.add(chart);
      drawn += 1;
      document.body.dataset.chartsRendered = String(drawn);
    },
  };
  // Chart ticks and tooltips only; the amounts in the page are formatted by client/number-format.ts.
  const usd = (v) => '$' + (v === 0 ? '0' : Math.abs(v) < 1 ? v.toFixed(3) : v.toFixed(2));

  const filter = document.getElementById('example-filter');
  if (filter) {
    filter.addEventListener('change', () => {
      for (const row of document.querySelectorAll('#examples tbody tr')) {
        const c = row.dataset.change;
        row.hidden = !(
          filter.value === 'all' ||
          filter.value === c ||
          (filter.value === 'changed' && (c === 'fixed' || c === 'broken'))
        );
      }
    });
  }

  if (typeof Chart === 'undefined') return;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#5b6472';
  Chart.defaults.borderColor = '#e7e9ee';
  // Legend keys drawn as what the series is: a (dashed) line for lines, a swatch for bars and bands.
  const legend = {
    position: 'bottom',
    labels: {
      usePointStyle: true,
      pointStyleWidth: 24,
      boxHeight: 9,
      padding: 16,
      generateLabels: (chart) =>
        Chart.defaults.plugins.legend.labels
          .generateLabels(chart)
          .filter((item) => item.text !== 'min')
          .map((item) => {
            const ds = chart.data.datasets[item.datasetIndex];
            const line = (ds.type || chart.config.type) === 'line' && !ds.fill;
            return {
              ...item,
              text: item.text === 'max' ? 'min–max range' : item.text,
              pointStyle: line ? 'line' : 'rect',
              lineWidth: line ? Math.min(3, ds.borderWidth || 1) : ds.fill ? 1 : 0,
            };
          }),
    },
  };

  const fitness = [
    {
      label: 'min',
      data: gens.map((g) => g.min),
      borderColor: 'rgba(59,110,165,0.35)',
      borderWidth: 1,
      pointRadius: 0,
      fill: false,
    },
    {
      label: 'max',
      data: gens.map((g) => g.max),
      borderColor: 'rgba(59,110,165,0.35)',
      borderWidth: 1,
      pointRadius: 0,
      backgroundColor: 'rgba(59,110,165,0.13)',
      fill: '-1',
    },
    {
      label: 'mean',
      data: gens.map((g) => g.mean),
      borderColor: '#8a94a3',
      backgroundColor: '#8a94a3',
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 2.5,
    },
    {
      label: 'best',
      data: gens.map((g) => g.best),
      borderColor: '#1f4e79',
      backgroundColor: '#1f4e79',
      borderWidth: 3,
      pointRadius: 4,
    },
  ];
  if (data.seed.val !== null) {
    fitness.push({
      label: 'seed',
      data: gens.map(() => data.seed.val),
      borderColor: '#b45309',
      backgroundColor: '#b45309',
      borderDash: [2, 3],
      borderWidth: 1.5,
      pointRadius: 0,
    });
  }
  new Chart(document.querySelector('canvas[data-chart="fitness"]'), {
    type: 'line',
    data: { labels, datasets: fitness },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend,
        tooltip: { callbacks: { label: (ctx) => ' ' + ctx.dataset.label + ': ' + ctx.parsed.y.toFixed(3) } },
      },
      scales: {
        x: { grid: { display: false } },
        y: {
          grace: '4%',
          ticks: { callback: (v) => Number(v).toFixed(2) },
          title: { display: true, text: 'validation score' },
        },
      },
    },
    plugins: [markDrawn],
  });

  const spendLabels = labels.slice();
  const cost = [],
    paid = [],
    cached = [];
  let c = 0,
    p = 0,
    k = 0;
  for (const g of gens) {
    c += g.costUsd;
    p += g.calls;
    k += g.cachedCalls;
    cost.push(c);
    paid.push(p);
    cached.push(k);
  }
  const t = data.totals;
  if (t.costUsd - c > 0.00005 || t.calls > p || t.cachedCalls > k) {
    spendLabels.push('final');
    cost.push(Math.max(c, t.costUsd));
    paid.push(Math.max(p, t.calls));
    cached.push(Math.max(k, t.cachedCalls));
  }
  new Chart(document.querySelector('canvas[data-chart="spend"]'), {
    type: 'bar',
    data: {
      labels: spendLabels,
      datasets: [
        {
          type: 'line',
          label: 'spend (USD)',
          data: cost,
          yAxisID: 'y',
          borderColor: '#b7791f',
          backgroundColor: '#b7791f',
          borderWidth: 3,
          pointRadius: 4,
          order: 0,
        },
        {
          label: 'paid calls',
          data: paid,
          yAxisID: 'y1',
          stack: 'calls',
          backgroundColor: 'rgba(59,110,165,0.55)',
          order: 1,
          borderRadius: 2,
        },
        {
          label: 'cached calls',
          data: cached,
          yAxisID: 'y1',
          stack: 'calls',
          backgroundColor: 'rgba(59,110,165,0.2)',
          order: 1,
          borderRadius: 2,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend,
        tooltip: {
          callbacks: {
            label: (ctx) =>
              ' ' +
              ctx.dataset.label +
              ': ' +
              (ctx.dataset.yAxisID === 'y' ? usd(ctx.parsed.y) : ctx.parsed.y.toLocaleString('en-US')),
          },
        },
      },
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: {
          position: 'left',
          beginAtZero: true,
          ticks: { callback: (v) => usd(Number(v)) },
          title: { display: true, text: 'cumulative spend' },
        },
        y1: {
          position: 'right',
          stacked: true,
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'cumulative calls' },
        },
      },
    },
    plugins: [markDrawn],
  });
})();
