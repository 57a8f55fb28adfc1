// Scores over time, one Chart.js chart per instrument. The data is in a json_script element
// ("outcomes-charts"), the same numbers the page shows in its tables: severity bands shaded behind
// the line, the baseline, the response threshold (>= 50% fall) and the remission threshold as
// dashed lines, and each administration marked (relapse: red triangle, response: green).
(function () {
  "use strict";
  const node = document.getElementById("outcomes-charts");
  if (!node || typeof Chart === "undefined") return;
  let charts = [];
  try { charts = JSON.parse(node.textContent); } catch (e) { return; }
  const shades = ["#e8f5e9", "#fffde7", "#fff3e0", "#ffebee", "#fce4ec"];

  const bands = {
    id: "severityBands",
    beforeDatasetsDraw(chart, args, options) {
      const { ctx, chartArea, scales } = chart;
      (options.bands || []).forEach((band, i) => {
        const top = scales.y.getPixelForValue(band.max + 0.5);
        const bottom = scales.y.getPixelForValue(band.min - 0.5);
        ctx.save();
        ctx.fillStyle = shades[Math.min(i, shades.length - 1)];
        ctx.fillRect(chartArea.left, Math.max(top, chartArea.top), chartArea.right - chartArea.left,
          Math.min(bottom, chartArea.bottom) - Math.max(top, chartArea.top));
        ctx.fillStyle = "#555";
        ctx.font = "11px sans-serif";
        ctx.fillText(band.name, chartArea.left + 4, Math.max(top, chartArea.top) + 12);
        ctx.restore();
      });
    },
  };

  function flat(value, labels) { return labels.map(() => value); }

  charts.forEach((data, index) => {
    const canvas = document.getElementById("outcomes-canvas-" + index);
    if (!canvas) return;
    const labels = data.points.map((p) => p.x.slice(0, 10));
    const datasets = [{
      label: data.instrument + " total",
      data: data.points.map((p) => p.y),
      borderColor: "#1f3a93",
      backgroundColor: data.points.map((p) => (p.relapse ? "#b02a37" : p.response ? "#198754" : "#1f3a93")),
      pointStyle: data.points.map((p) => (p.relapse ? "triangle" : p.baseline ? "rectRot" : "circle")),
      pointRadius: data.points.map((p) => (p.relapse || p.baseline ? 8 : 5)),
    }];
    if (data.baseline !== null) {
      datasets.push({ label: "Baseline (" + data.baseline + ")", data: flat(data.baseline, labels),
        borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 0 });
    }
    if (data.response_at_most !== null) {
      datasets.push({ label: "Response (≤ " + data.response_at_most + ")", data: flat(data.response_at_most, labels),
        borderColor: "#198754", borderDash: [3, 3], pointRadius: 0 });
    }
    if (data.remission) {
      const line = data.remission.below !== null ? data.remission.below - 0.5 : data.remission.at_most + 0.5;
      datasets.push({ label: "Remission (" + data.remission.text + ")", data: flat(line, labels),
        borderColor: "#0d6efd", borderDash: [2, 2], pointRadius: 0 });
    }
    canvas.dataset.points = String(data.points.length);
    new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      plugins: [bands],
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { min: data.min, max: data.max, title: { display: true, text: data.instrument } } },
        plugins: { severityBands: { bands: data.bands } },
      },
    });
  });
})();
