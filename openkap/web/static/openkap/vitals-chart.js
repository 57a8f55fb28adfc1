// The live vitals chart of a dosing session: Chart.js over the numbers the page already shows in
// its table (id "vitals-series", refreshed by htmx every few seconds). Minutes from the start of
// dosing on the x axis; blood pressure and heart rate on the left axis, SpO2 on the right.
(function () {
  "use strict";
  const canvas = document.getElementById("vitals-canvas");
  if (!canvas || typeof Chart === "undefined") return;
  const lines = [
    { key: "systolic", label: "Systolic (mmHg)", color: "#b02a37", axis: "y" },
    { key: "diastolic", label: "Diastolic (mmHg)", color: "#e35d6a", axis: "y" },
    { key: "heart_rate", label: "Heart rate (/min)", color: "#1f6feb", axis: "y" },
    { key: "spo2", label: "SpO2 (%)", color: "#198754", axis: "y2" },
  ];
  let chart = null;
  let drawn = "";

  function series() {
    const node = document.getElementById("vitals-series");
    if (!node) return [];
    try { return JSON.parse(node.textContent); } catch (e) { return []; }
  }

  function datasets(points) {
    return lines.map((line) => ({
      label: line.label,
      borderColor: line.color,
      backgroundColor: line.color,
      yAxisID: line.axis,
      spanGaps: true,
      data: points.filter((p) => p[line.key] !== null).map((p) => ({ x: p.minute, y: p[line.key] })),
    }));
  }

  function draw() {
    const points = series();
    const text = JSON.stringify(points);
    if (text === drawn) return;
    drawn = text;
    canvas.dataset.points = String(points.length);
    if (chart) {
      chart.data.datasets = datasets(points);
      chart.update("none");
      return;
    }
    chart = new Chart(canvas, {
      type: "line",
      data: { datasets: datasets(points) },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: "linear", title: { display: true, text: "Minutes from the start of dosing" } },
          y: { title: { display: true, text: "mmHg, beats/min" }, suggestedMin: 40, suggestedMax: 180 },
          y2: { position: "right", min: 80, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "SpO2 %" } },
        },
      },
    });
  }

  draw();
  document.body.addEventListener("htmx:afterSettle", draw);
})();
