// handoff dashboard behaviour: SLA countdowns, jumping to a policy problem, charts.
// No inline script anywhere: the Content-Security-Policy allows only files from this site.
(function () {
  "use strict";

  function span(seconds) {
    var s = Math.abs(Math.round(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), r = s % 60;
    if (d) return d + "d " + h + "h";
    if (h) return h + "h " + m + "m";
    if (m) return m + "m " + r + "s";
    return r + "s";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.getAttribute("data-deadline")) - now) / 1000;
      el.textContent = left >= 0 ? "due in " + span(left) : "overdue by " + span(left);
      el.classList.toggle("bad", left < 0);
      el.classList.toggle("warn", left >= 0 && left < 120);
    });
  }

  function jump(event) {
    var link = event.target.closest("[data-line]");
    var editor = document.getElementById("policy-source");
    if (!link || !editor) return;
    event.preventDefault();
    var line = parseInt(link.getAttribute("data-line"), 10) || 1;
    var column = parseInt(link.getAttribute("data-column"), 10) || 1;
    var lines = editor.value.split("\n");
    var offset = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    offset += Math.min(column - 1, (lines[line - 1] || "").length);
    editor.focus();
    editor.setSelectionRange(offset, offset);
    var lineHeight = editor.scrollHeight / Math.max(lines.length, 1);
    editor.scrollTop = Math.max(0, (line - 5) * lineHeight);
  }

  var palette = ["#0b57d0", "#b3261e", "#116b2f", "#8a4b00", "#6b3fa0", "#00717a", "#5f6368"];

  function charts() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.chart) canvas.chart.destroy();
      var spec = JSON.parse(canvas.getAttribute("data-chart"));
      spec.datasets.forEach(function (set, i) {
        set.borderColor = set.backgroundColor = palette[i % palette.length];
      });
      canvas.chart = new window.Chart(canvas, {
        type: spec.type || "line",
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, suggestedMax: spec.max, ticks: { precision: spec.type === "bar" ? 0 : undefined } } },
          plugins: { legend: { display: spec.datasets.length > 1 } },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    charts();
    document.addEventListener("click", jump);
    document.body.addEventListener("htmx:afterSettle", function () { tick(); charts(); });
  });
})();
