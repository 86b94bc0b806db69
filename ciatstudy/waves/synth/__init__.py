"""Synthetic survey waves: realistic exports of the CIAT questionnaire, for tests and benchmarks.

``ciatstudy synth --n 200 --seed 1 --format kobo --output kobo.csv`` writes what
KoboToolbox (or SurveyMonkey, LimeSurvey, Google Forms, or a plain table)
would export had ``n`` structures answered the CIAT questionnaire set up in
that tool: contact fields (names, structures, e-mails, phones, IP addresses),
answers drawn around wave 2014's per-segment results, French free text that
sometimes mentions a person, a phone number or an e-mail, skipped questions,
and the small untidiness of real files (typographic apostrophes, a label in
lower case, a trailing space, an abandoned response).

Every name and number is fictitious and chosen where it cannot reach anyone:
e-mail domains under ``example.org`` (RFC 2606), phone numbers in the ranges
ARCEP reserves for fiction (01 99 00 …, 06 39 98 …), IP addresses in the
documentation blocks (RFC 5737).

How the questionnaire looks in each tool (question texts, LimeSurvey codes,
KoboToolbox XML names) is defined once, in ``questionnaire``; the default import mappings
(``ciatstudy/waves/importers/mappings/``) say the same, and a test imports a
synthetic export of every format back into the answers it was drawn from.

One module per concern: ``questionnaire`` (the questionnaire as each tool
deploys it), ``respondents`` (fictitious people and the answers drawn for
them: :func:`~ciatstudy.waves.synth.respondents.synth_wave`), ``exports``
(each tool's layout and CSV style) and ``command`` (``ciatstudy synth``).
The package may import ``ciatstudy.data`` and ``ciatstudy.errors`` only; this
``__init__`` imports nothing.
"""
