// The demo chat widget. Every text from the server is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var KEY = "handoff-demo-chat";
  var log, form, input, errorLine, pageSelect;
  var conversation = null;
  var after = -1;
  var repName = null;

  function api(method, path, body) {
    var options = { method: method, headers: { "Content-Type": "application/json" } };
    if (body !== undefined) options.body = JSON.stringify(body);
    return fetch(path, options).then(function (response) {
      if (!response.ok) throw new Error("the server answered " + response.status);
      return response.json();
    });
  }

  function label(role) {
    if (role === "visitor") return "You";
    if (role === "agent") return repName || "Sales rep";
    return "Acme bot";
  }

  function show(message) {
    if (message.seq <= after) return;
    after = message.seq;
    var item = document.createElement("li");
    item.className = message.role;
    item.dataset.seq = message.seq;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label(message.role);
    var text = document.createElement("p");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(who);
    item.appendChild(text);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function setText(id, value) {
    document.getElementById(id).textContent = value || "—";
  }

  function update(view) {
    if (view.handoff) {
      repName = view.handoff.rep;
      var who = view.handoff.rep ? " to " + view.handoff.rep : "";
      setText("handoff-state", view.handoff.status + who + " (" + view.handoff.mode + ")");
    }
    if (view.decision) {
      setText("decision-action", view.decision.action);
      setText("decision-mode", view.decision.mode);
      setText("decision-ask", (view.decision.ask || []).join(", "));
      setText("decision-reason", view.decision.reason);
    }
    (view.messages || []).forEach(show);
  }

  function fail(error) {
    errorLine.textContent = "Something went wrong: " + error.message;
  }

  function start() {
    return api("POST", "/demo/chat/start", { page: pageSelect.value }).then(function (view) {
      conversation = view.conversation_id;
      sessionStorage.setItem(KEY, conversation);
      update(view);
    });
  }

  function poll() {
    if (!conversation) return;
    api("GET", "/demo/chat/" + conversation + "/messages?after=" + after)
      .then(function (view) { errorLine.textContent = ""; update(view); })
      .catch(fail);
  }

  function send(event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !conversation) return;
    input.value = "";
    api("POST", "/demo/chat/" + conversation + "/say", { text: text })
      .then(function (view) { errorLine.textContent = ""; update(view); })
      .catch(fail);
  }

  document.addEventListener("DOMContentLoaded", function () {
    log = document.getElementById("chat-log");
    form = document.getElementById("chat-form");
    input = document.getElementById("chat-input");
    errorLine = document.getElementById("chat-error");
    pageSelect = document.getElementById("demo-page");
    form.addEventListener("submit", send);
    pageSelect.addEventListener("change", function () {
      if (!conversation) return;
      api("POST", "/demo/chat/" + conversation + "/page", { page: pageSelect.value })
        .then(update)
        .catch(fail);
    });
    document.getElementById("demo-restart").addEventListener("click", function () {
      sessionStorage.removeItem(KEY);
      window.location.reload();
    });
    conversation = sessionStorage.getItem(KEY);
    (conversation ? Promise.resolve(poll()) : start()).catch(fail);
    window.setInterval(poll, 1500);
  });
})();
