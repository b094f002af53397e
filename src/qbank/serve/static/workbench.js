// qbank workbench: plain JavaScript over the JSON API of qbank/serve/app.py. The editor is
// CodeMirror 6 from the one committed bundle (static/codemirror/codemirror.min.js, global
// QbankCM; rebuilt by tools/codemirror-bundle/); when it did not load, the plain textarea.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="qbank-csrf"]').content;
  const $ = (id) => document.getElementById(id);
  const textarea = $("text"), gutter = $("gutter");
  let path = null, digest = null, dirty = false, timer = null, lookId = 0;
  // the bank's JSON Schema, as the editor needs it (qbank/serve/page.py, completion_tree)
  const tree = JSON.parse($("schema-tree").textContent);

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

  // ---- the bank's structure at a line: which object's fields go there (from the schema)

  const KEY = /^(\s*)(-\s+)?(?:([A-Za-z_][\w.-]*)\s*:(?:\s|$))?/;
  function parseLine(line) {
    if (/^\s*(#.*)?$/.test(line)) return null;
    const m = line.match(KEY);
    return {lead: m[1].length, dash: !!m[2], col: m[1].length + (m[2] || "").length, key: m[3]};
  }

  // The keys above line `idx` whose objects hold a key at column `col`, outermost first.
  // `dashLine`: the indent of the "- " when line `idx` itself starts a list item.
  function ancestors(lines, idx, col, dashLine) {
    const out = [];
    let c = col;
    let itemLead = dashLine === null ? null : dashLine;
    let itemStart = dashLine === null ? null : idx;
    for (let i = idx - 1; i >= 0 && (c > 0 || itemLead !== null); i--) {
      const p = parseLine(lines[i]);
      if (!p) continue;
      if (itemLead === null && p.dash && p.col === c) { itemLead = p.lead; itemStart = i; continue; }
      const limit = itemLead !== null ? itemLead : c;
      if (p.col < limit || (itemLead !== null && p.col === itemLead && !p.dash && p.key)) {
        if (!p.key) break;
        out.unshift({key: p.key, itemStart, itemLead});
        c = p.col; itemLead = null; itemStart = null;
        if (p.dash) { itemLead = p.lead; itemStart = i; }
      }
    }
    return out;
  }

  // The value of `key:` in the list item whose "- " is at column `lead` of line `start`.
  function itemValue(lines, start, lead, key) {
    for (let i = start; i < lines.length; i++) {
      const p = parseLine(lines[i]);
      if (!p) continue;
      if (i > start && (p.col <= lead || (p.dash && p.lead <= lead))) break;
      if (p.key === key && p.col === lead + 2) {
        return lines[i].slice(lines[i].indexOf(":") + 1).replace(/#.*$/, "").trim()
          .replace(/^["']|["']$/g, "");
      }
    }
    return null;
  }

  // The schema node whose keys go at column `col` of line `idx`, and its name: "bank", a
  // question type, "question" (no type: yet) or the field holding it ("figure"...).
  function nodeAt(lines, idx, col, dashLine) {
    let node = tree.bank, name = "bank";
    for (const step of ancestors(lines, idx, col, dashLine)) {
      const field = node.fields[step.key];
      if (!field) return {node: null, name: null};
      if (field.questions) {
        const typed = step.itemStart === null ? null
          : itemValue(lines, step.itemStart, step.itemLead, "type");
        node = tree.kinds[typed] || tree.question;
        name = tree.kinds[typed] ? typed : "question";
      } else if (field.child) {
        node = field.child; name = step.key;
      } else {
        return {node: null, name: null};
      }
    }
    return {node, name};
  }

  // The keys already given in the object of line `idx` (keys at column `col`).
  function siblings(lines, idx, col) {
    const used = new Set();
    for (const dir of [-1, 1]) {
      for (let i = idx + dir; i >= 0 && i < lines.length; i += dir) {
        const p = parseLine(lines[i]);
        if (!p) continue;
        if (p.col < col || (p.dash && p.lead < col)) {
          if (dir < 0 && p.col === col && p.key) used.add(p.key);  // "- key" starts the item
          break;
        }
        if (p.col === col && p.key) used.add(p.key);
      }
    }
    return used;
  }

  // The key line that line `idx` belongs to (itself, or for a line of a text or a list,
  // the key above holding it): its index, key column, the indent of its "- " if any.
  function keyPlace(lines, idx) {
    const p = parseLine(lines[idx] || "");
    if (p && p.key) return {idx, col: p.col, dashLine: p.dash ? p.lead : null, key: p.key};
    const below = p ? p.col : Infinity;
    for (let i = idx - 1; i >= 0; i--) {
      const q = parseLine(lines[i]);
      if (q && q.key && q.col < below) {
        return {idx: i, col: q.col, dashLine: q.dash ? q.lead : null, key: q.key};
      }
    }
    return {idx, col: 0, dashLine: null, key: null};
  }

  // CodeMirror's completion: field names where a key goes, the schema's values after "key: ".
  function completeYaml(context) {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const lines = context.state.doc.toString().split("\n");
    const idx = line.number - 1;
    let m = before.match(/^(\s*)(-\s+)?([A-Za-z_][\w.-]*)\s*:\s+([\w.-]*)$/);
    if (m) {
      const col = m[1].length + (m[2] || "").length;
      const {node} = nodeAt(lines, idx, col, m[2] ? m[1].length : null);
      const field = node && node.fields[m[3]];
      if (!field || !field.values || !field.values.length) return null;
      return {
        from: context.pos - m[4].length,
        // in the schema's order (CodeMirror sorts by score, then by name)
        options: field.values.map((v, i) => ({label: v, type: "enum", info: field.help,
          boost: Math.max(-99, 50 - i)})),
        validFor: /^[\w.-]*$/,
      };
    }
    m = before.match(/^(\s*)(-\s+)?([A-Za-z_][\w.-]*)?$/);
    if (!m || (!m[3] && !context.explicit)) return null;
    const col = m[1].length + (m[2] || "").length;
    const {node} = nodeAt(lines, idx, col, m[2] ? m[1].length : null);
    if (!node) return null;
    const used = m[2] ? new Set() : siblings(lines, idx, col);
    const options = [];
    Object.entries(node.fields).forEach(([name, field], i) => {
      if (!used.has(name)) {
        options.push({label: name, type: "property", info: field.help, apply: name + ": ",
          boost: Math.max(-99, 50 - i)});
      }
    });
    return {from: context.pos - (m[3] || "").length, options, validFor: /^[\w.-]*$/};
  }

  // ---- the editor: CodeMirror, or the textarea with its line-number gutter

  const editor = window.QbankCM ? codeMirror(window.QbankCM) : plainEditor();
  window.qbankEditor = editor;  // for the browser tests
  document.body.dataset.editor = editor.kind;

  function codeMirror(CM) {
    textarea.hidden = true;
    gutter.hidden = true;
    const parent = document.createElement("div");
    parent.id = "cm";
    textarea.parentNode.appendChild(parent);
    let listener = {change() {}, cursor() {}};
    let lastLine = 0;
    const extensions = () => [
      CM.lineNumbers(), CM.highlightActiveLineGutter(), CM.highlightSpecialChars(),
      CM.history(), CM.foldGutter(), CM.drawSelection(), CM.indentOnInput(),
      CM.syntaxHighlighting(CM.defaultHighlightStyle, {fallback: true}), CM.bracketMatching(),
      CM.closeBrackets(), CM.highlightActiveLine(), CM.highlightSelectionMatches(),
      CM.indentUnit.of("  "), CM.EditorState.tabSize.of(2), CM.EditorView.lineWrapping,
      CM.yaml(), CM.lintGutter(),
      CM.autocompletion({override: [completeYaml]}),
      CM.keymap.of([
        {key: "Mod-s", run: () => { save(false); return true; }},
        ...CM.closeBracketsKeymap, ...CM.defaultKeymap, ...CM.searchKeymap,
        ...CM.historyKeymap, ...CM.foldKeymap, ...CM.completionKeymap, ...CM.lintKeymap,
        CM.indentWithTab,
      ]),
      CM.EditorView.contentAttributes.of({"aria-label": "Bank file"}),
      CM.EditorView.updateListener.of((update) => {
        if (update.docChanged) listener.change();
        if (update.selectionSet || update.docChanged) {
          const line = update.state.doc.lineAt(update.state.selection.main.head).number;
          if (line !== lastLine) { lastLine = line; listener.cursor(); }
        }
      }),
    ];
    const view = new CM.EditorView({
      state: CM.EditorState.create({doc: "", extensions: [extensions(), CM.EditorState.readOnly.of(true)]}),
      parent,
    });
    return {
      kind: "codemirror",
      on(handlers) { listener = handlers; },
      text: () => view.state.doc.toString(),
      load(doc) {  // a file opened: a new state, with its own undo history
        lastLine = 0;
        view.setState(CM.EditorState.create({doc, extensions: extensions()}));
      },
      cursorLine: () => view.state.doc.lineAt(view.state.selection.main.head).number,
      goTo(line) {
        const at = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines)).from;
        view.dispatch({selection: {anchor: at}, scrollIntoView: true});
        view.focus();
      },
      insertLine(afterLine, inserted) {  // a new line after line `afterLine`, cursor at its end
        const doc = view.state.doc;
        const line = doc.line(Math.min(afterLine, doc.lines));
        const insert = "\n" + inserted;
        view.dispatch({changes: {from: line.to, insert},
          selection: {anchor: line.to + insert.length}, scrollIntoView: true});
        view.focus();
      },
      problems(problems) {  // the server's problems as diagnostics at their lines
        const doc = view.state.doc;
        const diagnostics = [];
        for (const p of problems) {
          if (!p.line || p.line > doc.lines) continue;
          const line = doc.line(p.line);
          const from = line.from + (line.text.length - line.text.trimStart().length);
          diagnostics.push({from, to: Math.max(from, line.to), severity: "error",
            message: p.message});
        }
        view.dispatch(CM.setDiagnostics(view.state, diagnostics));
      },
    };
  }

  function plainEditor() {
    let listener = {change() {}, cursor() {}};
    let problemLines = new Map();
    function drawGutter() {
      const lines = textarea.value.split("\n").length;
      const out = [];
      for (let i = 1; i <= lines; i++) {
        out.push(problemLines.has(i) ? "<b class=\"bad\" title=\"" +
          problemLines.get(i).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;") +
          "\">" + i + "</b>" : String(i));
      }
      gutter.innerHTML = out.join("\n") + "\n";
      gutter.scrollTop = textarea.scrollTop;
    }
    const cursorLine = () => textarea.value.slice(0, textarea.selectionStart).split("\n").length;
    textarea.addEventListener("input", () => { drawGutter(); listener.change(); });
    let lastLine = 0;
    for (const ev of ["keyup", "click"]) {
      textarea.addEventListener(ev, () => {
        const line = cursorLine();
        if (line !== lastLine) { lastLine = line; listener.cursor(); }
      });
    }
    textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
    textarea.addEventListener("keydown", (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); save(false); }
    });
    return {
      kind: "textarea",
      on(handlers) { listener = handlers; },
      text: () => textarea.value,
      load(doc) { textarea.value = doc; textarea.disabled = false; lastLine = 0; drawGutter(); },
      cursorLine,
      goTo(line) {
        const lines = textarea.value.split("\n");
        let at = 0;
        for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
        textarea.focus();
        textarea.setSelectionRange(at, at);
        textarea.scrollTop = Math.max(0, (line - 5) * 18);
      },
      insertLine(afterLine, inserted) {
        const lines = textarea.value.split("\n");
        let at = 0;
        for (let i = 0; i < afterLine && i < lines.length; i++) at += lines[i].length + 1;
        textarea.value = textarea.value.slice(0, at) + inserted + "\n" + textarea.value.slice(at);
        textarea.focus();
        textarea.setSelectionRange(at + inserted.length, at + inserted.length);
        textarea.dispatchEvent(new Event("input"));
      },
      problems(problems) {
        problemLines = new Map();
        for (const p of problems) {
          if (p.line) {
            problemLines.set(p.line,
              (problemLines.get(p.line) ? problemLines.get(p.line) + "\n" : "") + p.message);
          }
        }
        drawGutter();
      },
    };
  }

  function cursorLine() { return editor.cursorLine(); }

  // The fields of the object under the cursor (the bank, a question of its type, a
  // figure...) from the bank's JSON Schema: click one to add it on a new line below the
  // cursor, indented as that object's other fields.
  function showFields() {
    const lines = editor.text().split("\n");
    const here = cursorLine() - 1;
    const place = keyPlace(lines, here);
    const found = nodeAt(lines, place.idx, place.col, place.dashLine);
    const list = $("field-list");
    clear(list);
    const name = found.name;
    $("fields-head").textContent = !found.node ? ""
      : name === "bank" ? "Bank fields:"
        : name === "question" ? "Give the question a type: to see its fields"
          : tree.kinds[name] ? "Fields of a " + name + " question:"
            : "Fields of " + name + ":";
    if (!found.node || name === "question") return;
    const used = siblings(lines, place.idx, place.col);
    if (place.key) used.add(place.key);
    const indent = " ".repeat(place.col);
    for (const [field, spec] of Object.entries(found.node.fields)) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "field";
      b.textContent = field;
      b.title = spec.help;
      if (used.has(field)) b.classList.add("used");
      b.addEventListener("click", () => editor.insertLine(here + 1, indent + field + ": "));
      list.appendChild(b);
    }
  }

  function showProblems(problems) {
    const list = $("problems");
    clear(list);
    for (const p of problems) {
      const li = document.createElement("li");
      li.className = "problem";
      li.textContent = "Error: " + p.message;
      if (p.line) {
        li.dataset.line = p.line;
        li.addEventListener("click", () => editor.goTo(p.line));
      }
      list.appendChild(li);
    }
    // at their lines in the editor: the problems of this file (not of a class list...)
    editor.problems(problems.filter((p) => !p.file || p.file === path));
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
      path, text: editor.text(), line: cursorLine(), count, number,
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
        moodle: ["Moodle question", "Moodle feedback"],
        word: ["Word worksheet page", "Answer key"]}[look];
      $("left-head").textContent = heads[0];
      $("right-head").textContent = heads[1];
      $("student").className = "sheet " + look;
      $("key").className = "sheet " + look;
      if (look === "anki") {
        $("student").innerHTML = (p.anki || []).map((c) => c.front).join("<hr>");
        $("key").innerHTML = (p.anki || []).map((c) => c.back).join("<hr class=\"between\">");
      } else if (look === "word") {
        $("student").innerHTML = p.word || "";
        $("key").innerHTML = p.word_key || p.key;
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
    const templates = $("templates");
    clear(templates);
    for (const name of data.templates || []) {
      const option = document.createElement("option");
      option.value = name;
      templates.appendChild(option);
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
    editor.load(data.text);
    for (const id of ["save", "check", "generate"]) $(id).disabled = false;
    $("file-name").textContent = path;
    $("changed").hidden = true;
    for (const a of document.querySelectorAll("#file-list a")) {
      a.classList.toggle("current", a.textContent === path);
    }
    history.replaceState(null, "", "#" + encodeURIComponent(path));
    look();
  }

  async function save(force) {
    const data = await api("api/save", {path, text: editor.text(), digest, force: !!force});
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
    const data = await api("api/check", {path, text: editor.text()});
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
      seed: $("gen-seed").value, roster: $("gen-roster").value,
      language: $("gen-lang").value, unique: $("gen-unique").checked,
      replace: $("gen-replace").checked};
    const started = await api("api/generate", body);
    if (started.error) {
      $("gen-result").textContent = started.error;
      $("gen-result").className = "bad";
      return;
    }
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

  editor.on({
    change() {
      if (!dirty) $("file-name").textContent = path + " (not saved)";
      dirty = true; later();
    },
    cursor() { showFields(); later(); },
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
