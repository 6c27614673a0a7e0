"""marshmallow's nested error messages as one flat mapping of field paths, for the API's error
shape, the pages' error lists and the rescue import's report alike."""


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested errors → {"sections.straw.produced_t": ["..."]}."""
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key == "_schema":
            path = prefix or "_schema"
        out.update(flatten(value, path))
    return out
