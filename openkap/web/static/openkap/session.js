// Idle time-out that keeps the page: before the server ends the session, show a sign-in dialog over
// the page, so whatever the user was typing stays in the form. Nothing is written to browser storage.
(function () {
  "use strict";
  const dialog = document.getElementById("idle-lock");
  if (!dialog) return;
  const idleSeconds = parseInt(dialog.dataset.idleSeconds, 10) || 900;
  // Activity reaches the server at most once a minute, so lock a minute before the server could
  // end the session: a form sent from this page is then never refused for an expired session.
  const lockAfter = Math.max(30, idleSeconds - 60);
  const warningSeconds = Math.min(60, Math.floor(lockAfter / 4));
  const warning = document.getElementById("idle-warning");
  const warningCount = document.getElementById("idle-warning-seconds");
  const form = document.getElementById("idle-lock-form");
  const errorBox = document.getElementById("idle-lock-error");
  let lastInput = Date.now();
  let lastBeat = Date.now();
  let locked = false;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function setCsrfToken(token) {
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((i) => { i.value = token; });
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  }

  function lock() {
    if (locked) return;
    locked = true;
    warning.hidden = true;
    if (!dialog.open) dialog.showModal();
    document.getElementById("idle-password").focus();
  }

  function heartbeat() {
    lastBeat = Date.now();
    fetch(dialog.dataset.heartbeatUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then((r) => { if (r.status === 401 || r.status === 403) lock(); }).catch(() => {});
  }

  function activity() {
    if (locked) return;
    lastInput = Date.now();
    warning.hidden = true;
    // Tell the server at most once a minute that someone is working on this page.
    if (Date.now() - lastBeat > 60000) heartbeat();
  }

  ["keydown", "pointerdown", "input", "scroll", "touchstart"].forEach((type) =>
    document.addEventListener(type, activity, { passive: true, capture: true }));

  document.getElementById("idle-stay").addEventListener("click", () => { lastInput = Date.now(); heartbeat(); warning.hidden = true; });

  setInterval(() => {
    if (locked) return;
    const idle = (Date.now() - lastInput) / 1000;
    const left = Math.ceil(lockAfter - idle);
    if (left <= 0) { lock(); return; }
    if (left <= warningSeconds) { warning.hidden = false; warningCount.textContent = String(left); }
  }, 1000);

  // The session may also end on the server (another tab signed out, the 12-hour limit): check now and then.
  setInterval(() => {
    if (locked) return;
    fetch(dialog.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then((r) => { if (r.status === 401) lock(); }).catch(() => {});
  }, 30000);

  // A form sent after the session ended would be lost: hold it and ask for sign-in first.
  document.addEventListener("submit", (event) => {
    if (locked && event.target !== form) { event.preventDefault(); lock(); }
  }, true);
  document.body.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr && event.detail.xhr.status === 401) lock();
  });

  dialog.addEventListener("cancel", (event) => event.preventDefault());

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    errorBox.hidden = true;
    const body = new FormData(form);
    fetch(dialog.dataset.reauthUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then((r) => r.json().then((data) => ({ ok: r.ok, data: data }))).then(({ ok, data }) => {
      if (!ok) { errorBox.textContent = data.error || "Sign-in failed."; errorBox.hidden = false; return; }
      setCsrfToken(data.csrf_token);
      form.reset();
      locked = false;
      lastInput = Date.now();
      lastBeat = Date.now();
      dialog.close();
    }).catch(() => { errorBox.textContent = "The clinic server cannot be reached. Try again."; errorBox.hidden = false; });
  });
})();
