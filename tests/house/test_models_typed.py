"""Every mapped column and relationship is declared with a `Mapped[...]` annotation, and the
annotation agrees with the column's nullability: a new `db.Column` without one, or a
`Mapped[str]` on a nullable column, fails here rather than in a type checker nobody ran."""

import typing

from app.extensions import db


def mapped_attributes():
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        for attr in mapper.column_attrs:
            yield cls, attr.key, attr.columns[0]
        for rel in mapper.relationships:
            yield cls, rel.key, None


def annotation(cls, key):
    for klass in cls.__mro__:
        if key in getattr(klass, "__annotations__", {}):
            return klass.__annotations__[key]
    return None


def test_every_column_and_relationship_is_annotated():
    missing = [
        f"{cls.__name__}.{key}"
        for cls, key, _ in mapped_attributes()
        if annotation(cls, key) is None
    ]
    assert missing == []


def test_optional_annotations_match_nullable_columns():
    wrong = []
    for cls, key, column in mapped_attributes():
        if column is None:
            continue
        inner = typing.get_args(annotation(cls, key))[0]
        optional = type(None) in typing.get_args(inner)
        if optional != column.nullable:
            wrong.append(f"{cls.__name__}.{key}")
    assert wrong == []
