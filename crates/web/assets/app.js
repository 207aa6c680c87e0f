// The little the pages need beyond htmx: the phone menu and confirmation prompts.
document.addEventListener('DOMContentLoaded', () => {
  const toggle = document.querySelector('.menu-toggle');
  const sidebar = document.getElementById('sidebar');
  if (toggle && sidebar) {
    toggle.addEventListener('click', () => {
      const open = sidebar.classList.toggle('open');
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }
  document.querySelectorAll('[data-print]').forEach((b) => b.addEventListener('click', () => window.print()));
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  });
});

// Charts: a <div data-chart="ID"> is drawn from the JSON in <script type="application/json" id="ID">.
// Bars (rates by category or town, with the target) link each bar to the enterprises it counts.
document.addEventListener('DOMContentLoaded', () => {
  if (typeof echarts === 'undefined') return;
  document.querySelectorAll('[data-chart]').forEach((el) => {
    const source = document.getElementById(el.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    if (!data) return;
    const chart = echarts.init(el, null, { renderer: 'svg' });
    const pct = { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } };
    if (data.labels) {
      chart.setOption({
        title: { text: data.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
        legend: { bottom: 0 },
        grid: { left: 8, right: 8, top: 40, bottom: 64, containLabel: true },
        xAxis: { type: 'category', data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 5 ? 30 : 0 } },
        yAxis: pct,
        series: [
          { name: '组织覆盖率', type: 'bar', data: data.rates, itemStyle: { color: '#c0392b' } },
          { name: '工作覆盖率', type: 'bar', data: data.work_rates, itemStyle: { color: '#e6a23c' } },
          { name: '目标', type: 'line', data: data.targets, symbol: 'none', lineStyle: { type: 'dashed', color: '#333' } },
        ],
      });
      chart.on('click', (p) => {
        const href = data.links && data.links[p.dataIndex];
        if (href) window.location.href = href;
      });
    } else if (data.dates) {
      chart.setOption({
        tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
        legend: { bottom: 0 },
        grid: { left: 8, right: 8, top: 16, bottom: 48, containLabel: true },
        xAxis: { type: 'category', data: data.dates },
        yAxis: pct,
        series: [
          { name: '组织覆盖率', type: 'line', data: data.org, itemStyle: { color: '#c0392b' } },
          { name: '工作覆盖率', type: 'line', data: data.work, itemStyle: { color: '#e6a23c' } },
          { name: '目标', type: 'line', data: data.target, symbol: 'none', lineStyle: { type: 'dashed', color: '#333' } },
        ],
      });
    }
    window.addEventListener('resize', () => chart.resize());
  });
});
