"""Personal data at import: find direct identifiers, drop them, or replace them by keyed pseudonyms.

The CIAT questionnaire asks each respondent for a name, a structure, a
responsibility and an e-mail address, and survey tools add their own contact
data (IP address, e-mail of the invitation, device, user name). None of it is
needed by the analysis, so :mod:`ciatstudy.waves.importers` never writes it under
``data/raw/<wave>/``:

* identifier **columns** (named in the mapping, or recognised here by their
  header or their content) are dropped;
* identifiers **inside free text** (e-mail addresses, phone numbers, IP
  addresses, and the names, structures and e-mails given elsewhere in the same
  export) are replaced by a bracketed tag such as ``[courriel]`` (:data:`IDENTIFIER_KINDS`);
* when the analyst asks for linkage across waves, the respondent id becomes a
  **keyed pseudonym**: HMAC-SHA256 of the normalised e-mail (or structure, or
  name) under a secret key that lives outside the repository. The same person
  gets the same pseudonym in every wave imported with the same key; without
  the key nobody can recompute or reverse it.

Pure functions on strings, except :func:`load_key` (reads the key file) and
:func:`scan_files` (reads the files it is asked to check). One module per concern:
``folding`` (how text is folded before it is compared), ``detectors``
(identifiers found by their form in free text), ``columns`` (identifier
columns), ``redaction`` (:class:`Redactor`, placeholders), ``pseudonyms``
(keyed pseudonyms) and ``scan`` (identifiers left in written files). This
``__init__`` gathers their public names, the API the importers use; the
package may import ``ciatstudy.data`` and ``ciatstudy.errors`` only.
"""

from .columns import column_identifier_kind, header_identifier_kind
from .detectors import find_identifiers, value_identifier_kind
from .folding import normalise
from .pseudonyms import KEY_ENV, key_id, load_key, pseudonym
from .redaction import (
    IDENTIFIER_KINDS,
    PLACEHOLDERS,
    SPACY_PER_PRECISION,
    Redactor,
    excerpt,
    recorded_file_name,
    redaction_summary,
)
from .scan import scan_files

__all__ = [
    "KEY_ENV",
    "IDENTIFIER_KINDS",
    "normalise",
    "header_identifier_kind",
    "value_identifier_kind",
    "column_identifier_kind",
    "load_key",
    "key_id",
    "pseudonym",
    "Redactor",
    "find_identifiers",
    "scan_files",
    "PLACEHOLDERS",
    "redaction_summary",
    "excerpt",
    "recorded_file_name",
    "SPACY_PER_PRECISION",
]
