"""The task pane's frame in Danish: xlwings Server's ``base.html`` with its English text replaced.

Our ``taskpane.html`` extends xlwings Server's ``base.html``, whose fixed text
is English: the fallback shown when Office.js did not start ("The add-in
didn't load properly.", Reload, Cancel), the page title, ``lang="en"`` and
the close buttons' labels. Copying the whole template would freeze a copy of
xlwings Server's script list; instead :func:`install` serves the package's
own template with just these strings replaced, and fails loudly at start-up
if an xlwings Server upgrade changed one of them (so the pane never silently
turns English again).
"""

from __future__ import annotations

from itbudget.errors import ItbudgetError

TEMPLATE = "base.html"
#: (English as xlwings Server writes it, Danish)
REPLACEMENTS = (
    ('<html lang="en">', '<html lang="da">'),
    ("<title>Task pane</title>", "<title>IT-budget</title>"),
    ("The add-in didn't load properly.",
     "Tilføjelsesprogrammet blev ikke indlæst korrekt. Prøv at indlæse det igen; "
     "hjælper det ikke, så kontakt IT-staben."),
    ('id="xlwings-taskpane-reload-btn">Reload<', 'id="xlwings-taskpane-reload-btn">Indlæs igen<'),
    ('id="xlwings-taskpane-reload-cancel-btn">Cancel<',
     'id="xlwings-taskpane-reload-cancel-btn">Annuller<'),
    ('aria-label="Close"', 'aria-label="Luk"'),
)


def danish(source: str) -> str:
    """``source`` (xlwings Server's base.html) with every English string replaced."""
    for english, dansk in REPLACEMENTS:
        if english not in source:
            raise ItbudgetError(
                f"xlwings Servers opgaverude-skabelon ({TEMPLATE}) indeholder ikke længere "
                f"teksten {english!r}; opdatér addin/taskpane_text.py til den nye version.")
        source = source.replace(english, dansk)
    return source


def install() -> None:
    """Serve the Danish ``base.html`` ahead of xlwings Server's template loaders."""
    from jinja2 import ChoiceLoader, DictLoader
    from xlwings_server.config import PACKAGE_DIR
    from xlwings_server.templates import env

    source = (PACKAGE_DIR / "templates" / TEMPLATE).read_text(encoding="utf-8")
    env.loader = ChoiceLoader([DictLoader({TEMPLATE: danish(source)}), env.loader])
