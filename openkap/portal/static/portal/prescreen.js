// Show the crisis resources the moment someone answers that they have thoughts of suicide,
// before they finish or send the form.
(function () {
  "use strict";
  const box = document.getElementById("crisis-box");
  if (!box) return;
  document.querySelectorAll("input[name=suicidal_thoughts]").forEach((input) => {
    input.addEventListener("change", () => {
      const show = input.checked && (input.value === "yes" || input.value === "prefer_not");
      if (input.checked) box.hidden = !show;
      if (show) box.scrollIntoView({ block: "nearest" });
    });
  });
})();
