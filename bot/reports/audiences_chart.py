"""The special-audience chart: members and clubs per audience, as a phone-sized PNG."""

from __future__ import annotations

import io

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.core.i18n import _
from bot.domain.audience_figures import AudienceReport
from bot.domain.audiences import AUDIENCES
from bot.reports.audience_names import label
from bot.reports.charts import DPI, GREEN, GREY, ROW_IN, STYLE, WIDTH_IN


def chart(r: AudienceReport) -> bytes:
    shown = [a for a in AUDIENCES if r.total(a.code) or r.clubs_by_audience.get(a.code)]
    shown = shown or list(AUDIENCES[:3])
    names = [label(a.code) for a in shown][::-1]
    members = [r.total(a.code) for a in shown][::-1]
    clubs = [r.clubs_by_audience.get(a.code, 0) for a in shown][::-1]
    with rc_context(STYLE):
        fig = Figure(figsize=(WIDTH_IN, max(WIDTH_IN, 2.5 + ROW_IN * len(shown))), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        ys = list(range(len(shown)))
        ax.barh([y + 0.2 for y in ys], members, height=0.4, color=GREEN, label=_("Members"))
        ax.barh([y - 0.2 for y in ys], clubs, height=0.4, color=GREY, label=_("Clubs"))
        ax.set_yticks(ys, names)
        ax.set_title(_("Special audiences: {unit}").format(unit=r.unit_name), wrap=True)
        ax.legend(loc="lower right")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()
