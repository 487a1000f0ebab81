"""Files written in the users' languages: item texts as headers and scale labels as answers in
Persian, Turkish or Russian read to exactly the scores of the same answers given as item ids and
numbers; Turkish dotted and dotless i match either way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxmaturity import translations
from cxmaturity.models import get_model
from cxmaturity.survey import read_survey

CASES = [("tr", "four_level"), ("ru", "points95"), ("fa", "forrester")]


def _frames(lang: str, model_id: str, n: int = 12):
    model = get_model(model_id)
    rng = np.random.default_rng(3)
    values = rng.integers(model.scale.min, model.scale.max + 1, size=(n, model.item_count))
    plain = pd.DataFrame(values, columns=model.item_ids)
    local = translations.localised(model, lang)
    headers = {i.id: i.text for c in local.competencies for i in c.items}
    labels = local.scale.labels
    written = pd.DataFrame({headers[item]: [labels[v] for v in plain[item]] for item in model.item_ids})
    return model, plain, written, headers, labels


@pytest.mark.parametrize(("lang", "model_id"), CASES)
def test_headers_and_answer_labels_in_the_language_score_like_ids_and_numbers(lang, model_id):
    model, plain, written, headers, labels = _frames(lang, model_id)
    english = {i.id: i.text for c in model.competencies for i in c.items}
    assert any(headers[k] != english[k] for k in headers), "the translation must differ from the English"
    assert labels != model.scale.labels
    expected = read_survey(plain.to_csv(index=False).encode(), model=model)
    got = read_survey(written.to_csv(index=False).encode("utf-8"), model=model)
    pd.testing.assert_frame_equal(got.answers.reset_index(drop=True), expected.answers.reset_index(drop=True),
                                  check_dtype=False)


def test_turkish_capital_dotted_and_dotless_i_match():
    model, plain, written, headers, labels = _frames("tr", "four_level", n=6)
    # the same header and answers as a Turkish keyboard writes them in capitals: i -> İ, ı -> I
    shouted = written.rename(columns=lambda h: h.replace("i", "İ").replace("ı", "I").upper())
    shouted = shouted.map(lambda a: a.replace("i", "İ").replace("ı", "I").upper())
    expected = read_survey(plain.to_csv(index=False).encode(), model=model)
    got = read_survey(shouted.to_csv(index=False).encode("utf-8"), model=model)
    pd.testing.assert_frame_equal(got.answers.reset_index(drop=True), expected.answers.reset_index(drop=True),
                                  check_dtype=False)
