// The kiosk page's script: ask the API, show the answer, its figure, citation and cited row as text.
// The conversation lives only in `context` (the signed token the API returns); reset drops it.
"use strict";
(function () {
  const form = document.getElementById("ask-form");
  const input = document.getElementById("q");
  const send = document.getElementById("send");
  const status = document.getElementById("status");
  const conversation = document.getElementById("conversation");
  const turns = document.getElementById("turns");
  const reset = document.getElementById("reset");
  const idleSeconds = Number(document.body.dataset.idleSeconds) || 90;

  let context = null; // the signed conversation token of the last answer
  let turnCount = 0;
  let busy = false;
  let idleTimer = null;
  let epoch = 0; // bumped by a reset: an answer that arrives after it belongs to the last visitor

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function citationText(c) {
    const parts = [c.report];
    if (c.table) parts.push(c.table);
    if (c.section) parts.push(c.section);
    if (c.row) parts.push(c.row);
    if (c.column) parts.push(c.column);
    const where = [];
    if (c.page) where.push("第" + c.page + "页");
    if (c.line) where.push("第" + c.line + "行");
    if (where.length) parts.push(where.join(""));
    return parts.filter(Boolean).join(" · ");
  }

  function chip(question) {
    const li = el("li");
    const b = el("button", { type: "button", class: "ask-chip", "data-question": question }, question);
    li.appendChild(b);
    return li;
  }

  function showQuote(box, c) {
    if (c.quote) box.appendChild(el("blockquote", { class: "cited-sentence" }, c.quote));
  }

  async function showSource(box, c) {
    if (!c.table && !c.section) return showQuote(box, c);
    const params = new URLSearchParams();
    for (const k of ["report", "table", "section", "row", "column", "quote", "line"]) {
      if (c[k] !== null && c[k] !== undefined && c[k] !== "") params.set(k, String(c[k]));
    }
    let src;
    try {
      const r = await fetch("/v1/source?" + params.toString(), { headers: { Accept: "application/json" } });
      if (!r.ok) return showQuote(box, c);
      src = await r.json();
    } catch (e) {
      return showQuote(box, c);
    }
    if (src.kind === "table" && src.highlight_row !== null) {
      const row = src.rows[src.highlight_row];
      const table = el("table", { class: "cited-row" });
      table.appendChild(el("caption", {}, src.title + "：" + [row[0], row[1]].filter(Boolean).join(" ")));
      const head = el("thead");
      const hr = el("tr");
      hr.appendChild(el("th", { scope: "col" }, "栏目"));
      hr.appendChild(el("th", { scope: "col" }, "数值"));
      head.appendChild(hr);
      table.appendChild(head);
      const body = el("tbody");
      for (let j = 2; j < src.columns.length; j++) {
        const cited = j === src.highlight_column;
        const tr = el("tr", cited ? { class: "hl" } : {});
        const th = el("th", { scope: "row" }, src.columns[j]);
        if (cited) th.appendChild(el("span", { class: "visually-hidden" }, "（所引数字）"));
        tr.appendChild(th);
        tr.appendChild(el("td", {}, row[j] || "—"));
        body.appendChild(tr);
      }
      table.appendChild(body);
      box.appendChild(table);
    } else if (src.kind === "section" && src.highlight_sentence !== null) {
      box.appendChild(el("blockquote", { class: "cited-sentence" }, src.sentences[src.highlight_sentence]));
    } else {
      showQuote(box, c);
    }
  }

  function render(question, data, error) {
    turnCount += 1;
    const id = "turn-" + turnCount;
    const item = el("li", { class: "turn", "aria-labelledby": id + "-q" });
    const heading = el("h2", { class: "turn-q", id: id + "-q", tabindex: "-1" }, "您问：" + question);
    item.appendChild(heading);
    if (error) {
      item.appendChild(el("p", { class: "answer-text error", role: "alert" }, error));
    } else {
      if (data.value !== null && data.value !== undefined) {
        const fig = el("p", { class: "figure" });
        fig.appendChild(el("span", { class: "value" }, data.value));
        if (data.unit) fig.appendChild(el("span", { class: "unit" }, data.unit));
        item.appendChild(fig);
      }
      item.appendChild(el("p", { class: "answer-text" }, data.answer));
      for (const n of data.notes || []) item.appendChild(el("p", { class: "note" }, "注意：" + n));
      if (data.citations && data.citations.length) {
        const box = el("section", { class: "cite", "aria-labelledby": id + "-cite" });
        box.appendChild(el("h3", { id: id + "-cite" }, "出处"));
        for (const c of data.citations.slice(0, 3)) box.appendChild(el("p", { class: "cite-text" }, citationText(c)));
        item.appendChild(box);
        showSource(box, data.citations[0]);
      }
      if (data.suggestions && data.suggestions.length) {
        const group = el("div", { class: "choices", role: "group", "aria-labelledby": id + "-choices" });
        group.appendChild(
          el("p", { class: "choices-title", id: id + "-choices" }, data.status === "clarify" ? "您想问的是：" : "还可以问：")
        );
        const list = el("ul", { class: "chips" });
        for (const s of data.suggestions) list.appendChild(chip(s));
        group.appendChild(list);
        item.appendChild(group);
      }
    }
    turns.prepend(item);
    conversation.hidden = false;
    reset.hidden = false;
    heading.focus();
  }

  async function ask(question) {
    question = question.trim();
    if (!question || busy) return;
    busy = true;
    const mine = epoch;
    send.disabled = true;
    status.textContent = "正在查找…";
    conversation.setAttribute("aria-busy", "true");
    try {
      const r = await fetch("/v1/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ question: question, context: context }),
      });
      const data = await r.json().catch(() => null);
      if (mine !== epoch) return;
      if (r.ok && data) {
        context = data.context;
        render(question, data, null);
        status.textContent = data.status === "clarify" ? "需要您选择一项。" : "已回答。";
      } else {
        const err = data && data.error ? data.error : { code: "http_error", message: "请求失败，请稍后再试。" };
        if (err.code && err.code.startsWith("token_")) context = null; // start a new conversation
        render(question, null, err.message);
        status.textContent = "";
      }
      input.value = "";
    } catch (e) {
      if (mine !== epoch) return;
      render(question, null, "连接不上服务，请稍后再试。");
      status.textContent = "";
    } finally {
      busy = false;
      send.disabled = false;
      conversation.removeAttribute("aria-busy");
    }
  }

  function startOver(announce) {
    epoch += 1;
    context = null;
    turns.replaceChildren();
    conversation.hidden = true;
    reset.hidden = true;
    input.value = "";
    status.textContent = announce ? "已回到开始，请提问。" : "";
    window.scrollTo(0, 0);
    input.focus();
  }

  function touched() {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (context !== null || input.value !== "" || !conversation.hidden) startOver(true);
    }, idleSeconds * 1000);
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    ask(input.value);
  });
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-question]");
    if (b) ask(b.dataset.question);
  });
  reset.addEventListener("click", () => startOver(true));
  for (const type of ["pointerdown", "keydown", "input", "wheel", "touchstart"]) {
    document.addEventListener(type, touched, { passive: true });
  }
  touched();
})();
