// The Reports page's two charts (Chart.js): response and remission by instrument, and the share of
// sessions with each adverse event, each beside the published figure. The numbers come from the
// page's json_script "report-chart-data"; the tables beside the charts show the same numbers.
(function () {
  "use strict";
  const node = document.getElementById("report-chart-data");
  if (!node || typeof Chart === "undefined") return;
  let data;
  try { data = JSON.parse(node.textContent); } catch (e) { return; }
  const percent = (value) => (value === null || value === undefined ? null : Math.round(value * 1000) / 10);
  const options = {
    animation: false,
    maintainAspectRatio: false,
    scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: "%" } } },
  };

  const outcomes = document.getElementById("outcomes-canvas");
  if (outcomes && data.outcomes.length) {
    new Chart(outcomes, {
      type: "bar",
      data: {
        labels: data.outcomes.map((row) => row.label),
        datasets: [
          { label: "Response (clinic)", backgroundColor: "#1f6feb", data: data.outcomes.map((r) => percent(r.response)) },
          { label: "Response (published)", backgroundColor: "#9ec5fe", data: data.outcomes.map((r) => percent(r.published_response)) },
          { label: "Remission (clinic)", backgroundColor: "#198754", data: data.outcomes.map((r) => percent(r.remission)) },
          { label: "Remission (published)", backgroundColor: "#a3cfbb", data: data.outcomes.map((r) => percent(r.published_remission)) },
        ],
      },
      options: options,
    });
    outcomes.dataset.drawn = "true";
  }

  const safety = document.getElementById("safety-canvas");
  if (safety && data.safety.length) {
    new Chart(safety, {
      type: "bar",
      data: {
        labels: data.safety.map((row) => row.label),
        datasets: [
          { label: "Sessions with the event (clinic)", backgroundColor: "#b02a37", data: data.safety.map((r) => percent(r.rate)) },
          { label: "Published", backgroundColor: "#f1aeb5", data: data.safety.map((r) => percent(r.published)) },
        ],
      },
      options: options,
    });
    safety.dataset.drawn = "true";
  }
})();
