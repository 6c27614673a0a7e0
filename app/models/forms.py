"""Every form version the county has used, with its definition: what an inspection's
`form_versions` ({"sewage": "2026.1", ...}) refers to. Rows are only ever added
(app/formdefs/publication.py), so an old inspection can always be read against the form it was
filled in with."""

from app.extensions import db


class PublishedForm(db.Model):
    __tablename__ = "published_forms"

    form_id = db.Column(db.String(64), primary_key=True)
    version = db.Column(db.String(32), primary_key=True)
    sha256 = db.Column(db.String(64), nullable=False)  # of `definition`
    definition = db.Column(db.Text, nullable=False)  # canonical JSON of the forms/ file
    published_at = db.Column(db.DateTime(timezone=True), nullable=False)
