// The one CodeMirror 6 bundle of the qbank workbench (src/qbank/serve/static/codemirror/).
// Only the pieces workbench.js uses, exposed as the global `QbankCM`; the workbench's own
// logic (completion from the bank schema, diagnostics from the server) stays in workbench.js,
// so changing it needs no rebuild. Rebuild: see README.md.
export { EditorState, Compartment } from "@codemirror/state";
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars, placeholder,
} from "@codemirror/view";
export {
  defaultKeymap, history, historyKeymap, indentWithTab,
} from "@codemirror/commands";
export {
  syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching,
  foldGutter, foldKeymap, syntaxTree, indentUnit,
} from "@codemirror/language";
export {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, startCompletion,
  completionStatus, currentCompletions,
} from "@codemirror/autocomplete";
export { linter, lintGutter, setDiagnostics, forceLinting, lintKeymap } from "@codemirror/lint";
export { search, searchKeymap, highlightSelectionMatches } from "@codemirror/search";
export { yaml } from "@codemirror/lang-yaml";
