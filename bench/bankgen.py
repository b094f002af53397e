"""The synthetic bank of the benchmarks: 50 numerical templates, written as YAML.

Twenty-five archetypes (rates, interest, geometry, physics, unit conversion, roots,
logarithms, trigonometry, modular arithmetic, ...) each appear twice with different
ranges, units and display settings. Between them they use every feature that costs time
per variant: range and choice parameters (whole, decimal and text), ``let`` values,
``where`` conditions that reject some draws, functions and filters in the text, units
before and after, fixed decimals, thousands separators and absolute or relative
tolerances. The file is the same on every run (no randomness here), so figures from
different runs compare.
"""

from __future__ import annotations

from pathlib import Path

import yaml

BANK_ID = "bench-numerical-50"

# Each archetype: (title, params, let, where, text, answer, unit, decimals, extra fields).
# ``{s}`` in a range is replaced by a scale so the two copies of an archetype differ.
_ARCHETYPES: list[dict] = [
    dict(
        title="Average speed",
        params={"d": "range 20 400 5 s", "t": "range 0.5 6 0.25"},
        text="{{ who }} drives {{ d }} km in {{ t }} hours. What is the average speed?",
        answer="d / t",
        unit="km/h",
        decimals=2,
        who=True,
        solution="speed = {{ d }} km ÷ {{ t }} h = {{ answer }}",
    ),
    dict(
        title="Compound interest",
        params={"p": "range 1000 20000 500 s", "r": "choices 1.5 2 2.5 3 4.5", "n": "range 2 15 1"},
        text="${{ p | thousands }} is saved at {{ r }}% a year, compounded yearly, for {{ n }} "
        "years. How much is in the account at the end?",
        answer="p * (1 + r / 100) ** n",
        unit="$",
        decimals=2,
        thousands=True,
        solution="{{ p | thousands }} × (1 + {{ r }}/100)^{{ n }} = {{ answer }}",
    ),
    dict(
        title="Area of a circle",
        params={"r": "range 1 30 0.5 s"},
        text="A circle has radius {{ r }} cm. Find its area.",
        answer="pi * r ** 2",
        unit="cm²",
        decimals=2,
        solution="A = π × {{ r }}² = {{ answer }}",
    ),
    dict(
        title="Hypotenuse",
        params={"a": "range 3 40 1 s", "b": "range 3 40 1 s"},
        where=["a != b"],
        text="A right triangle has legs {{ a }} m and {{ b }} m. How long is the hypotenuse?",
        answer="sqrt(a ** 2 + b ** 2)",
        unit="m",
        decimals=3,
        tolerance="0.01",
        solution="c = √({{ a }}² + {{ b }}²) = {{ answer }}",
    ),
    dict(
        title="Percentage change",
        params={"old": "range 40 400 4 s", "new": "range 40 400 4 s"},
        let={"diff": "new - old"},
        where=["new != old"],
        text="A price goes from ${{ old }} to ${{ new }} (a change of {{ diff }} dollars). "
        "What is the percentage change?",
        answer="diff / old * 100",
        unit="%",
        decimals=1,
        solution="{{ diff }} ÷ {{ old }} × 100 = {{ answer }}",
    ),
    dict(
        title="Kinetic energy",
        params={"m": "range 0.5 80 0.5 s", "v": "range 1 30 0.5"},
        text="An object of mass {{ m }} kg moves at {{ v }} m/s. What is its kinetic energy?",
        answer="0.5 * m * v ** 2",
        unit="J",
        decimals=1,
        solution="E = ½ × {{ m }} × {{ v }}² = {{ answer }}",
    ),
    dict(
        title="Ohm's law",
        params={"V": "choices 1.5 3 4.5 6 9 12 24", "R": "range 10 1000 10 s"},
        text="A {{ V }} V battery drives a current through a {{ R | thousands }} Ω resistor. "
        "What is the current?",
        answer="V / R",
        unit="A",
        decimals=4,
        tolerance="1%",
        solution="I = {{ V }} ÷ {{ R }} = {{ answer }}",
    ),
    dict(
        title="Density",
        params={"mass": "range 50 900 10 s", "vol": "range 10 200 5"},
        let={"density": "mass / vol"},
        text="A block of mass {{ mass }} g has a volume of {{ vol }} cm³. What is its density?",
        answer="round(density, 3)",
        unit="g/cm³",
        decimals=3,
        solution="ρ = {{ mass }} ÷ {{ vol }} = {{ answer }}",
    ),
    dict(
        title="Mean of three marks",
        params={"a": "range 40 100 1", "b": "range 40 100 1", "c": "range 40 100 1"},
        where=["a != b and b != c"],
        text="{{ who }} scored {{ a }}, {{ b }} and {{ c }} in three tests. What is the mean mark?",
        who=True,
        answer="(a + b + c) / 3",
        decimals=2,
        solution="({{ a }} + {{ b }} + {{ c }}) ÷ 3 = {{ answer }}",
    ),
    dict(
        title="Sale price",
        params={"price": "range 10 500 0.5 s", "d": "choices 10 15 20 25 30 40"},
        let={"saving": "price * d / 100", "sale": "price - saving"},
        text="A jacket costs ${{ price | fixed(2) }}. In a sale it is {{ d }}% off. What is the "
        "sale price?",
        answer="sale",
        unit="$",
        decimals=2,
        solution="saving = {{ saving | fixed(2) }}; sale price = {{ answer }}",
    ),
    dict(
        title="Simple interest",
        params={"p": "range 500 9000 100 s", "r": "range 1 9 0.25", "y": "range 1 10 1"},
        let={"interest": "p * r / 100 * y"},
        text="${{ p | thousands }} is lent at {{ r }}% simple interest for {{ y }} years. What "
        "is the total to repay?",
        answer="p + interest",
        unit="$",
        decimals=2,
        thousands=True,
        solution="interest = {{ interest | fixed(2) }}; total = {{ answer }}",
    ),
    dict(
        title="Area of a triangle",
        params={"base": "range 2 60 0.5 s", "h": "range 2 60 0.5"},
        text="A triangle has base {{ base }} cm and height {{ h }} cm. Find its area.",
        answer="base * h / 2",
        unit="cm²",
        decimals=2,
        solution="A = {{ base }} × {{ h }} ÷ 2 = {{ answer }}",
    ),
    dict(
        title="Miles to kilometres",
        params={"miles": "range 1 250 0.5 s"},
        text="Convert {{ miles }} miles to kilometres (1 mile = 1.609344 km).",
        answer="miles * 1.609344",
        unit="km",
        decimals=2,
        tolerance="0.5%",
        solution="{{ miles }} × 1.609344 = {{ answer }}",
    ),
    dict(
        title="Fahrenheit to Celsius",
        params={"f": "range -40 220 1"},
        text="Convert {{ f }} °F to degrees Celsius.",
        answer="(f - 32) * 5 / 9",
        unit="°C",
        decimals=1,
        solution="({{ f }} − 32) × 5 ÷ 9 = {{ answer }}",
    ),
    dict(
        title="Radioactive decay",
        params={"n0": "range 100 5000 100 s", "h": "choices 2 3 5 8", "t": "range 1 24 1"},
        text="A sample of {{ n0 | thousands }} g has a half-life of {{ h }} days. How much is "
        "left after {{ t }} days?",
        answer="n0 * 0.5 ** (t / h)",
        unit="g",
        decimals=2,
        tolerance="0.1%",
        solution="{{ n0 }} × 0.5^({{ t }}/{{ h }}) = {{ answer }}",
    ),
    dict(
        title="Body mass index",
        params={"mass": "range 40 120 0.5", "cm": "range 150 200 1"},
        let={"metres": "cm / 100"},
        text="{{ who }} weighs {{ mass }} kg and is {{ metres }} m tall. What is the BMI?",
        who=True,
        answer="mass / metres ** 2",
        decimals=1,
        solution="{{ mass }} ÷ {{ metres }}² = {{ answer }}",
    ),
    dict(
        title="Quadratic root",
        params={"a": "range 1 5 1", "b": "range -20 20 1", "c": "range -20 20 1"},
        let={"disc": "b ** 2 - 4 * a * c"},
        where=["disc > 0", "b != 0"],
        text="Find the larger root of {{ a }}x² + ({{ b }})x + ({{ c }}) = 0.",
        answer="(-b + sqrt(disc)) / (2 * a)",
        decimals=3,
        solution="x = (−({{ b }}) + √{{ disc }}) ÷ (2 × {{ a }}) = {{ answer }}",
    ),
    dict(
        title="Clock arithmetic",
        params={"start": "range 0 23 1", "hours": "range 5 200 1 s"},
        text="It is {{ start }}:00. What hour will it be in {{ hours }} hours (24-hour clock)?",
        answer="(start + hours) % 24",
        decimals=0,
        solution="({{ start }} + {{ hours }}) mod 24 = {{ answer }}",
    ),
    dict(
        title="Packing boxes",
        params={"items": "range 100 5000 7 s", "per": "choices 6 12 24 36"},
        let={"full": "items // per", "left": "items % per"},
        where=["left != 0"],
        text="{{ items | thousands }} cans are packed {{ per }} to a box; {{ left }} are left "
        "over. How many boxes are needed?",
        answer="full + 1",
        unit="boxes",
        decimals=0,
        thousands=True,
        solution="{{ full }} full boxes + 1 for the {{ left }} left over = {{ answer }}",
    ),
    dict(
        title="Range of readings",
        params={"a": "range 1 99 0.1", "b": "range 1 99 0.1", "c": "range 1 99 0.1"},
        text="Three readings are {{ a }}, {{ b }} and {{ c }}. What is their range?",
        answer="max(a, b, c) - min(a, b, c)",
        decimals=1,
        tolerance="0.05",
        solution="{{ [a, b, c] | max }} − {{ [a, b, c] | min }} = {{ answer }}",
    ),
    dict(
        title="Height of a ladder",
        params={"length": "range 2 12 0.5 s", "angle": "range 40 80 5"},
        text="A {{ length }} m ladder leans against a wall at {{ angle }}° to the ground. How "
        "high up the wall does it reach?",
        answer="length * sin(radians(angle))",
        unit="m",
        decimals=2,
        tolerance="1%",
        solution="h = {{ length }} × sin {{ angle }}° = {{ answer }}",
    ),
    dict(
        title="Population growth",
        params={"p0": "range 1000 90000 1000 s", "r": "range 1 6 0.5", "t": "range 1 30 1"},
        text="A town of {{ p0 | thousands }} people grows continuously at {{ r }}% a year. "
        "About how many people live there after {{ t }} years?",
        answer="round(p0 * exp(r * t / 100))",
        unit="people",
        decimals=0,
        thousands=True,
        tolerance="1%",
        solution="{{ p0 }} × e^({{ r }} × {{ t }}/100) ≈ {{ answer }}",
    ),
    dict(
        title="Electricity cost",
        params={
            "watts": "range 5 3000 5 s",
            "hours": "range 1 12 0.5",
            "price": "choices 0.12 0.15 0.18 0.21 0.3",
        },
        let={"kwh": "watts * hours / 1000"},
        text="A {{ watts | thousands }} W appliance runs {{ hours }} hours a day. Electricity "
        "costs ${{ price }} per kWh. What does it cost per day?",
        answer="kwh * price",
        unit="$",
        decimals=2,
        solution="{{ kwh }} kWh × ${{ price }} = {{ answer }}",
    ),
    dict(
        title="Gradient of a line",
        params={
            "x1": "range -10 10 1",
            "y1": "range -10 10 1",
            "x2": "range -10 10 1",
            "y2": "range -10 10 1",
        },
        let={"dx": "x2 - x1", "dy": "y2 - y1"},
        where=["dx != 0", "dy != 0"],
        text="Find the gradient of the line through ({{ x1 }}, {{ y1 }}) and ({{ x2 }}, {{ y2 }}).",
        answer="dy / dx",
        decimals=3,
        solution="m = {{ dy }} ÷ {{ dx }} = {{ answer }}",
    ),
    dict(
        title="pH of a solution",
        params={"m": "range 1 9.5 0.5", "k": "range 1 12 1"},
        let={"conc": "m * 10 ** -k"},
        text="A solution has a hydrogen ion concentration of {{ m }} × 10^-{{ k }} mol/L. What "
        "is its pH?",
        answer="-log10(conc)",
        decimals=2,
        tolerance="0.01",
        solution="pH = −log₁₀({{ m }} × 10^-{{ k }}) = {{ answer }}",
    ),
]

_NAMES = ["Ana", "Bilal", "Chen", "Dara", "Émile", "Fatima", "Goran", "Hana"]


def _param(spec: str, scale: int) -> dict:
    kind, *values = spec.split()
    if kind == "choices":
        return {"choices": [_number(v) for v in values]}
    low, high, step, *scaled = values
    factor = scale if scaled else 1
    return {"min": _number(low) * factor, "max": _number(high) * factor, "step": _number(step)}


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def build_bank() -> dict:
    """The bank as plain data: 25 archetypes × 2 copies = 50 numerical templates."""
    questions = []
    for copy in (1, 2):
        for index, arch in enumerate(_ARCHETYPES, start=1):
            params = {name: _param(spec, copy) for name, spec in arch["params"].items()}
            if arch.get("who"):
                params["who"] = {"choices": _NAMES}
            q: dict = {
                "id": f"t{copy}-{index:02d}",
                "type": "numerical",
                "title": f"{arch['title']} ({copy})",
                "params": params,
            }
            if arch.get("let"):
                q["let"] = dict(arch["let"])
            if arch.get("where"):
                q["where"] = list(arch["where"])
            q["text"] = arch["text"]
            q["answer"] = arch["answer"]
            if arch.get("unit"):
                q["unit"] = arch["unit"]
            # The second copy shows one more decimal, so display settings vary too.
            q["decimals"] = arch["decimals"] + (copy - 1 if arch["decimals"] else 0)
            for key in ("thousands", "tolerance"):
                if key in arch:
                    q[key] = arch[key]
            q["solution"] = arch["solution"]
            questions.append(q)
    return {
        "id": BANK_ID,
        "title": "Benchmark: 50 numerical templates",
        "subtitle": "Generated by bench/bankgen.py",
        "tags": ["benchmark"],
        "questions": questions,
    }


class _NoAliasDumper(yaml.SafeDumper):
    """Bank files refuse YAML aliases, so write shared lists out in full."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def write_bank(folder: Path) -> Path:
    path = Path(folder) / f"{BANK_ID}.yaml"
    text = yaml.dump(
        build_bank(), Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100
    )
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    import sys

    print(write_bank(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
