// The 大屏: draws the trend chart from its JSON, and again after each refresh of the figures
// (htmx swaps /results/screen/figures into #screen-figures every few minutes).
(function () {
  const charts = [];
  function draw(root) {
    if (typeof echarts === 'undefined') return;
    while (charts.length) charts.pop().dispose();
    root.querySelectorAll('[data-screen-chart]').forEach((el) => {
      const source = document.getElementById(el.dataset.screenChart);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      const chart = echarts.init(el, 'dark', { renderer: 'svg' });
      chart.setOption({
        backgroundColor: 'transparent',
        animation: false,
        tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? '无数据' : `${v}${data.unit}`) },
        legend: { bottom: 0, textStyle: { color: '#e8eef5' } },
        grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
        xAxis: { type: 'category', data: data.labels },
        yAxis: { type: 'value', axisLabel: { formatter: `{value}` } },
        series: data.series.map((s, i) => ({
          name: s.name,
          type: i === 0 ? 'bar' : 'line',
          data: s.data,
          connectNulls: false,
          itemStyle: { color: ['#ffd27f', '#d9534f', '#5bc0de'][i % 3] },
        })),
      });
      charts.push(chart);
    });
    const stamp = document.getElementById('counted-at');
    if (stamp) document.body.dataset.countedAt = stamp.textContent;
  }
  document.addEventListener('DOMContentLoaded', () => draw(document));
  document.addEventListener('htmx:afterSettle', (e) => {
    if (e.target && e.target.id === 'screen-figures') draw(e.target);
  });
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
})();
