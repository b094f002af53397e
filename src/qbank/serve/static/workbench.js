// qbank workbench: plain JavaScript over the JSON API of qbank/serve/app.py.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="qbank-csrf"]').content;
  const $ = (id) => document.getElementById(id);
  const text = $("text"), gutter = $("gutter");
  let path = null, digest = null, dirty = false, timer = null, lookId = 0;

  async function api(url, body) {
    const init = body === undefined ? {} : {
      method: "POST", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "X-Qbank-CSRF": csrf},
    };
    const response = await fetch(url, init);
    const data = await response.json();
    data.status = response.status;
    return data;
  }

  function status(message) { $("status").textContent = message; }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function cursorLine() {
    return text.value.slice(0, text.selectionStart).split("\n").length;
  }

  const schemaFields = JSON.parse($("schema-fields").textContent);

  // The fields of the question under the cursor (from the bank's JSON Schema): click one to
  // add it on a new line below the cursor, indented as the question's other fields.
  function showFields() {
    const lines = text.value.split("\n");
    const here = cursorLine() - 1;
    let start = here;
    while (start > 0 && !/^\s+- /.test(lines[start])) start--;
    let end = here + 1;
    while (end < lines.length && !/^\s+- /.test(lines[end])) end++;
    const block = lines.slice(start, end).join("\n");
    const inQuestion = /^\s+- /.test(lines[start] || "");
    const typed = inQuestion ? (block.match(/^\s*(?:- )?type:\s*([a-z]+)/m) || [])[1] : null;
    const known = inQuestion ? (schemaFields[typed] ? typed : null) : "bank";
    const list = $("field-list");
    clear(list);
    $("fields-head").textContent = known === "bank" ? "Bank fields:"
      : known ? "Fields of a " + known + " question:" : "Give the question a type: to see its fields";
    if (!known) return;
    for (const field of schemaFields[known]) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "field";
      b.textContent = field.name;
      b.title = field.help;
      if (new RegExp("^\\s*(- )?" + field.name + ":", "m").test(block)) b.classList.add("used");
      b.addEventListener("click", () => addField(field.name, lines, here, start));
      list.appendChild(b);
    }
  }

  function addField(name, lines, here, start) {
    const indent = (lines[start] || "").replace(/- .*$/, "").replace(/\S.*$/, "") +
      (/^\s*- /.test(lines[start] || "") ? "  " : "");
    let at = 0;
    for (let i = 0; i <= here && i < lines.length; i++) at += lines[i].length + 1;
    const inserted = indent + name + ": ";
    text.value = text.value.slice(0, at) + inserted + "\n" + text.value.slice(at);
    text.focus();
    text.setSelectionRange(at + inserted.length, at + inserted.length);
    text.dispatchEvent(new Event("input"));
  }

  let problemLines = new Map();
  function drawGutter() {
    const lines = text.value.split("\n").length;
    const out = [];
    for (let i = 1; i <= lines; i++) {
      out.push(problemLines.has(i) ? "<b class=\"bad\" title=\"" +
        problemLines.get(i).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;") +
        "\">" + i + "</b>" : String(i));
    }
    gutter.innerHTML = out.join("\n") + "\n";
    gutter.scrollTop = text.scrollTop;
  }

  function showProblems(problems) {
    const list = $("problems");
    clear(list);
    problemLines = new Map();
    for (const p of problems) {
      const li = document.createElement("li");
      li.className = "problem";
      li.textContent = "Error: " + p.message;
      if (p.line) {
        li.dataset.line = p.line;
        li.addEventListener("click", () => goTo(p.line));
        problemLines.set(p.line, (problemLines.get(p.line) ? problemLines.get(p.line) + "\n" : "") + p.message);
      }
      list.appendChild(li);
    }
    drawGutter();
  }

  function goTo(line) {
    const lines = text.value.split("\n");
    let at = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    text.focus();
    text.setSelectionRange(at, at);
    text.scrollTop = Math.max(0, (line - 5) * 18);
  }

  function typeset(el) {
    if (window.renderMathInElement) {
      window.renderMathInElement(el, {
        delimiters: [
          {left: "\\[", right: "\\]", display: true},
          {left: "\\(", right: "\\)", display: false},
        ],
        throwOnError: false,
      });
    }
  }

  async function look() {
    if (!path) return;
    const id = ++lookId;
    const count = Math.max(1, parseInt($("count").value || "1", 10));
    const number = Math.min(count, Math.max(1, parseInt($("number").value || "1", 10)));
    const started = performance.now();
    const data = await api("api/look", {
      path, text: text.value, line: cursorLine(), count, number,
      seed: parseInt($("seed").value || "0", 10), look: $("look").value,
    });
    if (id !== lookId) return;  // a newer request answers
    showProblems(data.problems || (data.error ? [{message: data.error}] : []));
    const p = data.preview;
    showFields();
    document.querySelector(".side-by-side").classList.toggle("stale", !p);
    if (!p) $("preview-title").textContent = "Fix the problems to see this question (below: its last good version)";
    if (p) {
      $("preview-title").textContent = p.title + " (" + p.question + ", " + p.type + ") — " +
        (p.randomised ? "version " + p.number + " of " + p.count + ", seed " + p.seed
          : "the same in every version");
      const look = $("look").value;
      const heads = {sheet: ["Student sees", "Answer key"], anki: ["Card front", "Card back"],
        moodle: ["Moodle question", "Moodle feedback"]}[look];
      $("left-head").textContent = heads[0];
      $("right-head").textContent = heads[1];
      $("student").className = "sheet " + look;
      $("key").className = "sheet " + look;
      if (look === "anki") {
        $("student").innerHTML = (p.anki || []).map((c) => c.front).join("<hr>");
        $("key").innerHTML = (p.anki || []).map((c) => c.back).join("<hr class=\"between\">");
      } else if (look === "moodle") {
        $("student").innerHTML = (p.moodle || {}).front || "";
        $("key").innerHTML = (p.moodle || {}).back || "";
      } else {
        $("student").innerHTML = p.student;
        $("key").innerHTML = p.key;
      }
      typeset($("student"));
      typeset($("key"));
    }
    status((data.problems && data.problems.length ? data.problems.length + " problem(s)" : "No problems") +
      " · " + Math.round(performance.now() - started) + " ms");
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(look, 300);
  }

  async function loadFiles() {
    const data = await api("api/files");
    const list = $("file-list");
    clear(list);
    for (const name of data.files || []) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "#" + encodeURIComponent(name);
      a.textContent = name;
      a.addEventListener("click", (ev) => { ev.preventDefault(); open(name); });
      li.appendChild(a);
      list.appendChild(li);
    }
    const lists = $("class-lists");
    clear(lists);
    for (const name of data.class_lists || []) {
      const option = document.createElement("option");
      option.value = name;
      lists.appendChild(option);
    }
    const wanted = decodeURIComponent(location.hash.slice(1));
    if (wanted && (data.files || []).includes(wanted)) open(wanted);
    else if ((data.files || []).length === 1) open(data.files[0]);
  }

  async function open(name) {
    if (dirty && !confirm("Leave " + path + " without saving?")) return;
    const data = await api("api/file?path=" + encodeURIComponent(name));
    if (data.error) { status(data.error); return; }
    path = data.path; digest = data.digest; dirty = false;
    text.value = data.text;
    text.disabled = false;
    for (const id of ["save", "check", "generate"]) $(id).disabled = false;
    $("file-name").textContent = path;
    $("changed").hidden = true;
    for (const a of document.querySelectorAll("#file-list a")) {
      a.classList.toggle("current", a.textContent === path);
    }
    history.replaceState(null, "", "#" + encodeURIComponent(path));
    drawGutter();
    look();
  }

  async function save(force) {
    const data = await api("api/save", {path, text: text.value, digest, force: !!force});
    if (data.status === 409) {
      $("changed-text").textContent = data.error;
      $("changed").hidden = false;
      return;
    }
    if (data.error) { status(data.error); return; }
    digest = data.digest; dirty = false;
    $("changed").hidden = true;
    $("file-name").textContent = path;
    status("Saved " + path + " (previous version in " + data.backup + ")");
  }

  async function checkAll() {
    status("Checking every combination…");
    const data = await api("api/check", {path, text: text.value});
    const out = $("check-result");
    out.textContent = data.ok ? data.message : (data.problems || []).length + " problem(s) found.";
    out.className = data.ok ? "ok" : "bad";
    showProblems(data.problems || []);
    status(data.ok ? "Check: OK" : "Check: problems");
  }

  async function watchDisk() {
    if (!path) return;
    const data = await api("api/state?path=" + encodeURIComponent(path));
    if (data.digest && digest && data.digest !== digest && $("changed").hidden) {
      $("changed-text").textContent = path + " was changed outside the workbench." +
        (dirty ? " Your changes here are not saved." : "");
      $("changed").hidden = false;
    }
  }

  async function generate(ev) {
    ev.preventDefault();
    if (dirty) await save(false);
    if (dirty) return;
    const formats = [...document.querySelectorAll('input[name="format"]:checked')].map((x) => x.value);
    const options = {};
    for (const el of document.querySelectorAll("[data-option]")) {
      options[el.dataset.option] = el.type === "checkbox" ? el.checked : el.value;
    }
    const body = {path, formats, options, count: $("gen-count").value,
      seed: $("gen-seed").value, roster: $("gen-roster").value};
    const started = await api("api/generate", body);
    if (started.error) { $("gen-result").textContent = started.error; return; }
    const bar = $("gen-progress");
    bar.hidden = false; bar.value = 0;
    clear($("gen-result"));
    $("generate").disabled = true;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const job = await api("api/job/" + started.job);
      if (job.progress) {
        bar.max = job.progress.total; bar.value = job.progress.done;
        $("gen-stage").textContent = job.progress.label;
      }
      if (job.state !== "running") { showRun(job); break; }
    }
    $("generate").disabled = false;
  }

  function showRun(job) {
    const out = $("gen-result");
    clear(out);
    $("gen-progress").hidden = true;
    $("gen-stage").textContent = "";
    if (job.state === "failed") {
      showProblems(job.problems || []);
      out.textContent = "Nothing was written: " + (job.problems || []).length + " problem(s).";
      out.className = "bad";
      return;
    }
    const r = job.result;
    out.className = "ok";
    const head = document.createElement("p");
    head.textContent = "Done with seed " + r.seed + " (the same seed makes the same files again):";
    out.appendChild(head);
    const ul = document.createElement("ul");
    ul.id = "gen-files";
    for (const f of r.files) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "download?path=" + encodeURIComponent(f);
      a.textContent = f;
      li.appendChild(a);
      ul.appendChild(li);
    }
    out.appendChild(ul);
    for (const line of [...r.summary, ...r.warnings.map((w) => "Warning: " + w)]) {
      const p = document.createElement("p");
      p.textContent = line;
      out.appendChild(p);
    }
  }

  text.addEventListener("input", () => {
    if (!dirty) $("file-name").textContent = path + " (not saved)";
    dirty = true; drawGutter(); later();
  });
  let lastLine = 0;
  for (const ev of ["keyup", "click"]) {
    text.addEventListener(ev, () => {
      const line = cursorLine();
      if (line !== lastLine) { lastLine = line; showFields(); later(); }
    });
  }
  text.addEventListener("scroll", () => { gutter.scrollTop = text.scrollTop; });
  text.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); save(false); }
  });
  $("save").addEventListener("click", () => save(false));
  $("check").addEventListener("click", checkAll);
  $("next").addEventListener("click", () => {
    const count = Math.max(1, parseInt($("count").value || "1", 10));
    $("number").value = (parseInt($("number").value || "1", 10) % count) + 1;
    look();
  });
  for (const id of ["number", "count", "seed", "look"]) $(id).addEventListener("change", look);
  $("reload").addEventListener("click", () => { dirty = false; open(path); });
  $("overwrite").addEventListener("click", () => save(true));
  $("generate-form").addEventListener("submit", generate);
  $("gen-roster").addEventListener("change", () => {
    // a class list: one version per student, unless a number is given
    if ($("gen-roster").value) $("gen-count").value = "";
    $("gen-count").placeholder = $("gen-roster").value ? "one per student" : "";
  });
  window.addEventListener("beforeunload", (ev) => { if (dirty) ev.preventDefault(); });
  setInterval(watchDisk, 2000);
  loadFiles();
})();
