"""How answers to a 3-point agreement item are spread (tidy: item, segment, answer, count, share)."""

from __future__ import annotations

import pandas as pd

from ..data.codebook import AGREEMENT_SCORES, Codebook


def answer_distribution(responses: pd.DataFrame, *, codebook: Codebook, question: str) -> pd.DataFrame:
    """Count of 3 / 2 / 1 answers per item and segment, whole sample first.

    >>> from ciatstudy.data.io import load_wave
    >>> w = load_wave("2014")
    >>> d = answer_distribution(w.responses, codebook=w.codebook, question="q1")
    >>> d[(d["item"] == "1H") & (d["segment"] == "mda")]["count"].tolist()
    [9, 3, 0]
    """
    q = codebook.question(question)
    if q.kind != "agreement3":
        raise ValueError(f"{question} is a {q.kind} question, not a 3-point agreement question")
    seg = codebook.segment_variable
    if seg not in responses.columns:
        raise ValueError(f"segment column {seg!r} not found in the responses")
    labels = dict(q.items)  # the wording travels with the code, so a chart never shows a code alone
    rows = []
    for code in q.codes:
        if code not in responses.columns:
            raise ValueError(f"item column {code!r} not found in the responses")
        for segment in [codebook.all_code, *codebook.segment_codes]:
            answers = (
                responses[code] if segment == codebook.all_code else responses.loc[responses[seg] == segment, code]
            )
            answers = answers.dropna()
            counts = answers.value_counts()
            for answer in AGREEMENT_SCORES:
                count = int(counts.get(answer, 0))
                rows.append(
                    {
                        "question": question,
                        "item": code,
                        "label": labels[code],
                        "segment": segment,
                        "answer": answer,
                        "count": count,
                        "share": count / len(answers) if len(answers) else float("nan"),
                    }
                )
    return pd.DataFrame(rows)
