"""The CSS shared by every qbank note type.

Colours are CSS variables set on ``.card`` and overridden for night mode. Anki puts the
night-mode class on the same element as ``.card`` on the desktop (``nightMode``) and on
AnkiDroid (``night_mode``), and on an ancestor in some older clients, so the overrides
name every combination. Sizes are relative (``em``) so the phone rule only needs to change
the base size. Background colours are left to the Anki theme. Paragraphs, tables, code
and images come from the texts' Markdown; formulas are left to Anki's MathJax.
"""

CSS = """\
.card {
  --qb-text: #1f2328;
  --qb-muted: #59636e;
  --qb-accent: #0a58a8;
  --qb-rule: #d0d7de;
  --qb-box: #f3f5f7;
  --qb-good: #1a7f37;
  --qb-bad: #b42318;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue",
    Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  color: var(--qb-text);
}
.nightMode.card, .nightMode .card, .night_mode.card, .night_mode .card {
  --qb-text: #e6edf3;
  --qb-muted: #9da7b3;
  --qb-accent: #7cc4ff;
  --qb-rule: #444c56;
  --qb-box: rgba(255, 255, 255, 0.07);
  --qb-good: #5ad67d;
  --qb-bad: #ff8a80;
}
.qbank {
  max-width: 36em;
  margin: 0 auto;
  text-align: left;
  overflow-wrap: break-word;
}
.qbank-title {
  font-size: 0.8em;
  font-weight: 600;
  color: var(--qb-muted);
  margin-bottom: 0.4em;
}
.qbank-label {
  font-size: 0.7em;
  font-weight: 600;
  letter-spacing: 0.06em;
  text-transform: uppercase;
  color: var(--qb-muted);
  margin: 0.9em 0 0.2em;
}
.qbank-term {
  font-size: 1.4em;
  font-weight: 600;
  text-align: center;
  margin: 0.3em 0;
}
.qbank-vocab .qbank-label, .qbank-vocab .qbank-definition { text-align: center; }
.qbank-prompt {
  font-size: 0.85em;
  font-style: italic;
  color: var(--qb-muted);
  margin-top: 0.6em;
}
.qbank-answer {
  font-size: 1.2em;
  font-weight: 600;
  color: var(--qb-accent);
}
/* The "Answer" and "Worked solution" labels come first in their fields (in the deck's
   language): the same size as the other labels, inside the answer's larger type. */
.qbank-answer > .qbank-label:first-child { font-size: 0.5833em; }
.qbank-solution > .qbank-label:first-child { margin-top: 0; }
/* So do the "Term" and "Definition" captions of a vocabulary card. */
.qbank-term > .qbank-label:first-child { font-size: 0.5em; }
.qbank-solution, .qbank-extra {
  background: var(--qb-box);
  border-radius: 8px;
  padding: 0.5em 0.8em;
  margin: 0.3em 0;
}
.qbank-feedback, .qbank-notes { margin-top: 0.8em; }
.qbank-source {
  font-size: 0.6em;
  color: var(--qb-muted);
  margin-top: 2.5em;
  text-align: right;
}
.qbank ol, .qbank ul { padding-left: 1.6em; margin: 0.4em 0; }
.qbank li { margin: 0.25em 0; }
.qbank ol.qbank-options { list-style-type: upper-alpha; }
.qbank ul.qbank-why, .qbank ul.qbank-also { list-style: none; padding-left: 0; }
.qbank-why li > span:first-child, .qbank-also li > span:first-child { font-weight: 600; }
.qbank-why li.qbank-correct > span:first-child { color: var(--qb-good); }
.qbank-why li.qbank-wrong > span:first-child { color: var(--qb-bad); }
.qbank-model-answer {
  font-size: 0.833em;
  font-weight: normal;
  color: var(--qb-text);
}
.qbank .cloze { font-weight: 700; color: var(--qb-accent); }
/* A blank's other accepted answers (or tolerance): shown in the card's own revealed blank
   only, never in the other blanks of the text. */
.qbank .qbank-alt { display: none; }
.qbank .cloze .qbank-alt { display: inline; font-weight: 400; color: var(--qb-muted); }
.qbank p { margin: 0.5em 0; }
.qbank p:first-child { margin-top: 0; }
.qbank p:last-child { margin-bottom: 0; }
.qbank table { border-collapse: collapse; margin: 0.5em 0; }
.qbank th, .qbank td { border: 1px solid var(--qb-rule); padding: 0.2em 0.6em; }
.qbank th { background: var(--qb-box); }
.qbank code, .qbank pre {
  font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.9em;
  background: var(--qb-box);
  border-radius: 4px;
}
.qbank code { padding: 0.05em 0.25em; }
.qbank pre { padding: 0.5em 0.8em; overflow-x: auto; white-space: pre-wrap; }
.qbank pre code { padding: 0; background: none; }
.qbank blockquote {
  margin: 0.5em 0;
  padding-left: 0.8em;
  border-left: 3px solid var(--qb-rule);
}
.qbank img { max-width: 100%; height: auto; }
hr#answer {
  border: none;
  border-top: 1px solid var(--qb-rule);
  margin: 1em auto;
  max-width: 36em;
}
@media (max-width: 480px) {
  .card { font-size: 18px; }
  .qbank-term { font-size: 1.25em; }
  .qbank-term > .qbank-label:first-child { font-size: 0.56em; }
}
"""
