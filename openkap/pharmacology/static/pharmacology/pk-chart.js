// Predicted ketamine concentration (an estimate): Chart.js over the data the page gives in a JSON
// script (id "pk-series"; on the session chart it is refreshed by htmx every few seconds, and the
// canvas is kept across refreshes). Minutes from the start of dosing on the x axis, ng/mL on y.
(function () {
  "use strict";
  let chart = null;
  let drawn = "";

  function data() {
    const node = document.getElementById("pk-series");
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function points(t, c) {
    return t.map((x, i) => ({ x: x, y: c[i] }));
  }

  function datasets(d) {
    const sets = [];
    if (d.band) {
      sets.push({ label: "5th percentile", data: points(d.band.t, d.band.p5), borderColor: "rgba(31,111,235,0.25)", backgroundColor: "rgba(31,111,235,0.12)", pointRadius: 0, borderWidth: 1, fill: false });
      sets.push({ label: "5th-95th percentile (shaded)", data: points(d.band.t, d.band.p95), borderColor: "rgba(31,111,235,0.25)", backgroundColor: "rgba(31,111,235,0.12)", pointRadius: 0, borderWidth: 1, fill: "-1" });
    }
    if (d.target !== undefined && d.target !== null) {
      const last = d.planned.t[d.planned.t.length - 1];
      sets.push({ label: "Target (" + d.target + " ng/mL)", data: [{ x: 0, y: d.target }, { x: last, y: d.target }], borderColor: "#6f42c1", borderDash: [2, 4], pointRadius: 0, borderWidth: 1, fill: false });
    }
    sets.push({ label: d.given ? "Planned dose" : (d.plannedLabel || "Confirmed dose as planned"), data: points(d.planned.t, d.planned.c), borderColor: d.given ? "#6c757d" : "#1f6feb", borderDash: d.given ? [6, 4] : [], pointRadius: 0, borderWidth: 2, fill: false });
    if (d.given) {
      sets.push({ label: "Dose given (as charted)", data: points(d.given.t, d.given.c), borderColor: "#1f6feb", pointRadius: 0, borderWidth: 2, fill: false });
    }
    if (d.threshold !== undefined && d.threshold !== null) {
      const last = d.planned.t[d.planned.t.length - 1];
      sets.push({ label: "Clinic threshold (" + d.threshold + " ng/mL)", data: [{ x: 0, y: d.threshold }, { x: last, y: d.threshold }], borderColor: "#b02a37", borderDash: [4, 4], pointRadius: 0, borderWidth: 1, fill: false });
    }
    if (d.now !== undefined && d.now !== null) {
      let top = 0;
      for (const s of sets) for (const p of s.data) top = Math.max(top, p.y);
      sets.push({ label: "Now", data: [{ x: d.now, y: 0 }, { x: d.now, y: top }], borderColor: "#198754", pointRadius: 0, borderWidth: 1, fill: false });
    }
    return sets;
  }

  function draw() {
    const canvas = document.getElementById("pk-canvas");
    const d = data();
    if (!canvas || !d || typeof Chart === "undefined") return;
    const text = JSON.stringify(d);
    if (chart && chart.canvas === canvas && text === drawn) return;
    drawn = text;
    if (chart && chart.canvas !== canvas) { chart.destroy(); chart = null; }
    canvas.dataset.series = String(1 + (d.given ? 1 : 0));
    if (chart) {
      chart.data.datasets = datasets(d);
      chart.update("none");
      return;
    }
    chart = new Chart(canvas, {
      type: "line",
      data: { datasets: datasets(d) },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        plugins: { legend: { labels: { filter: (item) => item.text !== "5th percentile" } } },
        scales: {
          x: { type: "linear", min: 0, title: { display: true, text: "Minutes from the start of dosing" } },
          y: { min: 0, title: { display: true, text: "ng/mL (predicted)" } },
        },
      },
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  document.body.addEventListener("htmx:afterSettle", draw);
})();
