"""Every bound qbank puts on what a bank (or any other file from a stranger) can make it do.

One place, so docs/security.md can quote them and a reviewer can see them all at once.
Modules read these as ``limits.NAME`` when they run (not copied at import), so a test can
lower one with ``monkeypatch.setattr(limits, "NAME", ...)``. A teacher's bank stays far
below every one of them; they only stop a file written to make qbank work for hours or
fill the memory.
"""

from __future__ import annotations

# --- bank files (qbank.bank.yamlfile, qbank.bank.schema, qbank.bank.loader) ----------------

#: Largest bank file read, in bytes. Larger files are refused before parsing.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Deepest nesting of lists and mappings accepted.
MAX_DEPTH = 40
#: Most items in one list, or keys in one mapping, of a bank file.
MAX_YAML_ITEMS = 10_000
#: Most values (scalars, lists and mappings) in one file.
MAX_NODES = 500_000
#: Longest digit string read as a whole number; longer ones stay text.
MAX_INT_DIGITS = 1_000
#: Most questions in one bank.
MAX_QUESTIONS = 5_000
#: Most choices, pairs, items or parameter choices in one list of a question.
MAX_LIST = 1_000
#: Most parameters, 'let' values and 'where' conditions in one question: far more than a
#: question needs, few enough that checking every combination stays quick.
MAX_PARAMS = 20
MAX_LET = 50
MAX_WHERE = 20
#: Most values one parameter range may hold.
MAX_GRID = 10**12
#: Longest text of one field.
MAX_FIELD_TEXT = 100_000

# --- templates and formulas (qbank.templates, qbank.arithmetic) ---------------------------

#: The longest template or formula source accepted.
MAX_SOURCE = 20_000
#: Deepest nesting of a template's syntax tree (brackets, operators, {% if %} blocks).
MAX_NESTING = 50
#: Deepest nesting of brackets ( [ { in one template.
MAX_BRACKETS = 20
#: Longest number literal, in digits.
MAX_DIGITS = 1_000
#: Limit of one run of one template or formula, in CPU seconds (a busy machine does not
#: shorten it). The step budget
#: (MAX_STEPS) normally stops a run long before this; the clock is the backstop.
RENDER_SECONDS = 2.0
#: The longest text any template expression may build, and the most text one run of a
#: template may output through ``{{ ... }}``.
MAX_TEXT = 100_000
#: The longest list any template expression may build. Lists cannot hold lists.
MAX_ITEMS = 1_000
#: The work one run of a template or formula may do: one step per operation, plus one per
#: list item or per 64 characters an operation touches. A teacher's template needs tens.
MAX_STEPS = 20_000
#: Steps charged for a power (``**``), which costs like twenty additions.
POWER_STEPS = 20
#: Steps charged for a call of a slow function (roots, logarithms, formatting).
HEAVY_STEPS = 20

# --- drawing and checking variants (qbank.generator, qbank.pipeline) ----------------------

#: How many draws a question's 'where' conditions get before we give up.
MAX_DRAWS = 1_000
#: Largest parameter space `validate` tries in full; larger ones are sampled.
EXHAUSTIVE_LIMIT = 2_000
#: How many draws `validate` tries for a large parameter space (after its corners).
VALIDATION_SAMPLES = 500
#: How many draws `validate` tries of a question whose 'let' draws random data (rnorm...),
#: each with its own data (after the corners of its parameters).
DATA_SAMPLES = 300
#: Most versions one run may make (-n).
MAX_VARIANTS = 100_000
#: Limits in CPU seconds (time.process_time): trying one question's parameter space;
#: checking a whole bank; drawing one variant. Once one question was too slow to check, the
#: rest of the bank gets QUESTION_CHECK_SECONDS more, not what is left of BANK_CHECK_SECONDS.
QUESTION_CHECK_SECONDS = 5.0
BANK_CHECK_SECONDS = 60.0
VARIANT_SECONDS = 10.0
#: Limits, in characters, on the text that templates and formulas produce: while one
#: question's parameter values are tried, in one variant, and in a whole run. They bound
#: memory (a 1 MB bank of thousands of '{{ long_text }}' could otherwise ask for
#: gigabytes); a teacher's variant is a few hundred characters.
QUESTION_CHECK_CHARACTERS = 100_000_000
VARIANT_CHARACTERS = 1_000_000
RUN_CHARACTERS = 500_000_000
#: Variants built while validating are kept for the run only while all the kept ones
#: together stay under this many characters, and this many variants.
KEPT_CHARACTERS = 50_000_000
VALIDATION_KEEP_LIMIT = 20_000
#: Wrong numeric options a multichoice question may ask for ('distractors'), and how many
#: numbers are drawn to find them.
MAX_DISTRACTORS = 25
#: Different formulas the numeric blanks [[= …]] of one cloze question may hold (a
#: template can write a new formula for each draw; each is compiled once).
MAX_CLOZE_FORMULAS = 200
DISTRACTOR_TRIES = 1_000
#: How many of a question's versions tried by ``validate`` have their texts parsed as
#: Markdown and their images checked (a run checks every version it writes).
TEXT_CHECK_DRAWS = 50
#: How many distinct draws of one question a run remembers (see qbank.generator).
MEMO_LIMIT = 20_000

# --- figures (qbank.figures) -------------------------------------------------------------

#: Most figures one question may have ('figure' or the list in 'figures').
MAX_FIGURES = 10
#: Most values one list of a figure may hold (points of a scatter plot, bars, data of a
#: histogram): a figure with more is unreadable, and drawing stays quick.
MAX_FIGURE_POINTS = 1_000
#: How many values of x a function plot works its formula out at.
FUNCTION_SAMPLES = 200
#: Most figures one run draws (a figure drawn again with the same data is not counted):
#: each takes tens of milliseconds and tens of kilobytes of memory until it is written.
MAX_RUN_FIGURES = 10_000
#: Largest width and height of a figure, in cm (an A4 page's text is about 16 cm wide).
MAX_FIGURE_WIDTH_CM = 20
MAX_FIGURE_HEIGHT_CM = 25
#: Most worker processes drawing one run's figures (qbank.figure_pool: one per core, at
#: most this many; each holds matplotlib and its canvases, about 100 MB).
MAX_FIGURE_WORKERS = 8

# --- data sets (qbank.datasets) ----------------------------------------------------------

#: Most columns of a question's data set ('data: columns').
MAX_DATA_COLUMNS = 12
#: Most rows of a data set: a CSV a student opens in a spreadsheet, and a table Word prints
#: (on an appendix page past about 25 rows) in every version.
MAX_DATA_ROWS = 500
#: Longest text in one cell or column heading of a data set, in characters.
MAX_DATA_CELL = 80

# --- other files a teacher hands qbank ---------------------------------------------------

#: Largest class list (--roster), in bytes.
MAX_ROSTER_BYTES = 1024 * 1024
#: Largest manifest of an output folder read, in bytes.
MAX_MANIFEST_BYTES = 4 << 20

# --- images a text shows, ![alt](path) (qbank.media) -------------------------------------

#: Largest image file read, in bytes; a larger file is refused by its size, before a byte
#: is read. A photo from a phone is 2 to 5 MB; a diagram tens of kilobytes.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: Most bytes all the images of one bank may hold together (the files, plus the PNG
#: drawn from each SVG): every output carries them.
MAX_BANK_IMAGE_BYTES = 50 * 1024 * 1024
#: Most pixels (width × height) an image may declare, read from its header before it is
#: decoded: a 5 MB PNG can declare 100,000 × 100,000 pixels and unpack to 40 GB.
MAX_IMAGE_PIXELS = 40_000_000
#: Widest or tallest an image may be, in pixels (an SVG: in CSS pixels).
MAX_IMAGE_SIDE = 20_000
#: Most pixels of the PNG drawn from an SVG for Word (twice its size, for print,
#: made smaller to fit): a full A4 page at 300 dpi is 8.7 megapixels.
MAX_SVG_RENDER_PIXELS = 10_000_000
#: Most shapes drawing one SVG picture may take: its elements, each counted again for
#: every time a <use> or url(#…) draws it again (a chart from a plotting program has
#: hundreds; CairoSVG takes about a second for 10,000).
MAX_SVG_ELEMENTS = 10_000
#: Most times an SVG picture may repeat a part of itself with <use> (counted through
#: nested ones): CairoSVG searches the whole picture for each, so they cost the most.
MAX_SVG_USES = 1_000

# --- Word templates (qbank.exporters.word.template_check) ---------------------------------

#: Largest Word template (--docx-template) read, in bytes; a larger file is refused by its
#: size, before a byte is read. A letterhead template is tens of kilobytes.
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
#: Most parts (zip members) in a template; Word writes a few dozen.
MAX_TEMPLATE_PARTS = 500
#: Largest size one part, and all the parts together, may unpack to, in bytes: checked
#: on the sizes the zip declares before anything is unpacked, and counted again while
#: unpacking (a zip's headers can lie).
MAX_TEMPLATE_PART_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_UNPACKED_BYTES = 50 * 1024 * 1024
#: A part that unpacks to more than TEMPLATE_RATIO_FROM_BYTES may be at most this many
#: times larger than it is packed (Word's XML packs 5 to 20 times smaller).
MAX_TEMPLATE_RATIO = 100
TEMPLATE_RATIO_FROM_BYTES = 1024 * 1024

# --- PDF (qbank.exporters.pdf) ------------------------------------------------------------

#: LibreOffice making the PDF files of one bank may take PDF_SECONDS plus this many seconds
#: per version before it is stopped (30 versions of the built-in bank take 7 to 15 s).
PDF_SECONDS = 60.0
PDF_SECONDS_PER_VERSION = 1.0
#: Asking LibreOffice its version (soffice --version), in seconds.
PDF_START_SECONDS = 30.0

# --- rich text (qbank.richtext and the writers) -------------------------------------------

#: Longest formula converted to a Word equation; a longer one is printed as its LaTeX.
MAX_TEX = 5_000
#: Distinct texts kept parsed (a bank has hundreds of texts; drawn numbers add more).
PARSE_CACHE_SIZE = 4_096
#: Distinct formulas kept converted to Word equations.
MATH_CACHE_SIZE = 8_192
#: Distinct texts each writer (Moodle's HTML, Word's paragraphs) keeps written in a run.
TEXT_CACHE_SIZE = 4_096

# --- importing other formats (qbank.importing) -----------------------------------------------

#: Largest file ``qbank import`` reads (Moodle XML with its pictures, GIFT, a spreadsheet).
MAX_IMPORT_BYTES = 100 * 1024 * 1024
#: Parts (zip members) of an XLSX workbook read by ``qbank import``.
MAX_SHEET_PARTS = 1_000
#: What an XLSX workbook unpacks to in all.
MAX_SHEET_UNPACKED_BYTES = 200 * 1024 * 1024
#: How much smaller a part of a workbook may be packed (parts above the next size).
MAX_SHEET_RATIO = 200
#: Size from which a workbook part's packing ratio is checked.
SHEET_RATIO_FROM_BYTES = 1024 * 1024
#: Columns of a sheet read (the rest of a row is ignored).
MAX_SHEET_COLUMNS = 200

# The workbench (qbank serve, qbank/serve/): bank content runs in a worker process that is
# killed after these many seconds (native code does not watch the clocks above).
SERVE_PREVIEW_SECONDS = 20.0
SERVE_CHECK_SECONDS = 90.0
SERVE_GENERATE_SECONDS = 3600.0
#: Bank files the file list shows at most.
SERVE_MAX_FILES = 1_000
#: Images and figures of previews the server keeps to show (the oldest go first).
SERVE_MEDIA_CACHE = 500
