"""What the web host knows of the installed models, split by what each part holds.

- :mod:`.meta` — fields and relations of a model (the only names turned into SQL);
- :mod:`.values` — converting request values to column values and back;
- :mod:`.display` — naming records for people;
- :mod:`.screens` — the composed views of the installed addons.

Everything is derived from one composed registry and cached on it, so installing
or removing an addon is seen by the next request without a restart.
"""

from kernel.web.introspect.display import (
    display_name,
    name_fields,
    prefetch_display,
    selection_label,
)
from kernel.web.introspect.meta import SECRET_SUFFIXES, FieldMeta, ModelMeta, O2MMeta, model_meta
from kernel.web.introspect.screens import (
    collect_views,
    line_relations,
    readonly_lines,
    view_by_url,
)
from kernel.web.introspect.values import coerce, like_pattern, to_json

__all__ = [
    "SECRET_SUFFIXES",
    "FieldMeta",
    "ModelMeta",
    "O2MMeta",
    "coerce",
    "collect_views",
    "display_name",
    "like_pattern",
    "line_relations",
    "model_meta",
    "name_fields",
    "prefetch_display",
    "readonly_lines",
    "selection_label",
    "to_json",
    "view_by_url",
]
