"""Every form version the county has used, with its definition: what an inspection's
`form_versions` ({"sewage": "2026.1", ...}) refers to. Rows are only ever added
(app/formdefs/publication.py), so an old inspection can always be read against the form it was
filled in with."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class PublishedForm(db.Model):
    __tablename__ = "published_forms"

    form_id: Mapped[str] = mapped_column(db.String(64), primary_key=True)
    version: Mapped[str] = mapped_column(db.String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(db.String(64), nullable=False)  # of `definition`
    # canonical JSON of the forms/ file
    definition: Mapped[str] = mapped_column(db.Text, nullable=False)
    published_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), nullable=False)
    # "file": read from forms/ at start; "county": published from a workbook on the web or the
    # CLI (issue 22). A county's latest version of a form wins over the file's.
    origin: Mapped[str] = mapped_column(db.String(8), nullable=False, server_default="file")
    published_by: Mapped[str | None] = mapped_column(db.String(64), nullable=True)
